using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// TorchSharp's own format. Layout: the bytes <c>module.save(writer)</c> writes (a LEB128 count, then per tensor its
/// name as a .NET string and <c>tensor.Save(writer)</c>: LEB128 type code, rank and sizes, raw bytes); optionally the
/// bytes <c>optimizer.save_state_dict(writer)</c> writes; then a 40-byte trailer: the SHA-256 of everything before it
/// and the ASCII magic <c>TTCKPT01</c>.
/// </summary>
/// <remarks>
/// Plain TorchSharp reads these files (<c>model.load(reader)</c> ignores what follows the model's tensors) and this
/// reader accepts plain <c>module.save</c> files (without trailer, hence without the integrity check). The reader
/// parses every byte itself, bounds-checked, instead of letting TorchSharp's loader (which copies tensor by tensor
/// into the model, and allocates whatever a damaged length says) see an unchecked file.
/// </remarks>
internal static class TorchSharpCheckpointFile
{
    /// <summary>The last 8 bytes of a file written here.</summary>
    public static ReadOnlySpan<byte> Magic => "TTCKPT01"u8;

    /// <summary>The trailer's length: SHA-256 + magic.</summary>
    public const int TrailerLength = 32 + 8;

    private const int MaxNameBytes = 4096;

    /// <summary>Writes the model (and the optimizer) with TorchSharp's own serializers, then the trailer.</summary>
    public static byte[] Write(torch.nn.Module model, torch.optim.Optimizer? optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            model.save(writer);
            if (optimizer is not null)
            {
                ((OptimizerHelper)optimizer).save_state_dict(writer);
            }
        }

        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Write(Magic);
        return buffer.ToArray();
    }

    /// <summary>Parses and checks a whole file.</summary>
    /// <exception cref="CheckpointDataException">The file is truncated, damaged or not in this format.</exception>
    public static CheckpointContent Read(byte[] file)
    {
        int end = file.Length;
        if (file.Length >= TrailerLength && file.AsSpan(file.Length - 8).SequenceEqual(Magic))
        {
            end = file.Length - TrailerLength;
            var stored = file.AsSpan(end, 32);
            if (!SHA256.HashData(file.AsSpan(0, end)).AsSpan().SequenceEqual(stored))
            {
                throw CheckpointDataException.Corrupt("its SHA-256 checksum does not match its contents: the file was damaged or altered after it was written.");
            }
        }

        using var cursor = new Cursor(new MemoryStream(file, 0, end, writable: false)) { Context = "the tensor count" };
        try
        {
            var content = new CheckpointContent();
            long count = cursor.ReadLeb128();
            if (count > cursor.Remaining / 3)
            {
                throw count > cursor.Remaining
                    ? CheckpointDataException.Truncated($"it announces {count} tensors but has only {cursor.Remaining} bytes left.")
                    : CheckpointDataException.Corrupt($"it announces {count} tensors, more than its {cursor.Remaining} bytes can hold.");
            }

            for (long i = 0; i < count; i++)
            {
                cursor.Context = $"the name of tensor {i}";
                string name = cursor.ReadString(MaxNameBytes);
                cursor.Context = $"tensor '{name}'";
                content.ModelTensors.Add(new(name, ReadTensor(cursor, $"tensor '{name}'")));
            }

            if (cursor.Remaining > 0)
            {
                content.Optimizer = ReadOptimizer(cursor);
            }

            if (cursor.Remaining > 0)
            {
                throw CheckpointDataException.Corrupt($"{cursor.Remaining} unexpected bytes follow the checkpoint data at byte {cursor.Position}.");
            }

            return content;
        }
        catch (EndOfStreamException)
        {
            throw CheckpointDataException.Truncated($"the file ends inside {cursor.Context} (at byte {end}).");
        }
        catch (DecoderFallbackException)
        {
            throw CheckpointDataException.Corrupt($"{cursor.Context}: a name near byte {cursor.Position} is not valid UTF-8.");
        }
        catch (FormatException)
        {
            throw CheckpointDataException.Corrupt($"{cursor.Context}: a length or count near byte {cursor.Position} is not a valid number.");
        }
    }

    /// <summary>Reads what <c>tensor.Save(writer)</c> wrote.</summary>
    private static TensorRecord ReadTensor(Cursor cursor, string what)
    {
        long code = cursor.ReadLeb128();
        var dtype = TensorDType.FromTorchSharpCode((ulong)code)
            ?? throw CheckpointDataException.Corrupt($"{what} has element type code {code}, which is not one of {TensorDType.SupportedNames}.");
        long rank = cursor.ReadLeb128();
        if (rank > TensorRecord.MaxDimensions)
        {
            throw CheckpointDataException.Corrupt($"{what} has {rank} dimensions (at most {TensorRecord.MaxDimensions} are allowed).");
        }

        var shape = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            shape[d] = cursor.ReadLeb128();
        }

        long bytes = TensorRecord.ByteCount(dtype, shape, what);
        return TensorRecord.Create(dtype, shape, cursor.ReadBytes(bytes), what);
    }

    /// <summary>Reads what <c>optimizer.save_state_dict(writer)</c> wrote, by the layout its first string names.</summary>
    private static OptimizerRecord ReadOptimizer(Cursor cursor)
    {
        cursor.Context = "the optimizer's name";
        string name = cursor.ReadString(256);
        bool plausible = name.Length > 0 && name.All(char.IsAsciiLetterOrDigit);
        var layout = OptimizerLayout.FindByName(name)
            ?? throw new CheckpointDataException(
                plausible ? CheckpointProblem.Unsupported : CheckpointProblem.Corrupt,
                plausible
                    ? $"after the model's tensors it holds the state of a '{name}' optimizer; supported optimizers: {OptimizerLayout.SupportedNames}."
                    : $"unrecognised bytes follow the model's tensors at byte {cursor.Position}.");
        cursor.Context = $"the {name} optimizer state";
        long groups = cursor.ReadLeb128();
        long states = cursor.ReadLeb128();
        if (groups > cursor.Remaining / 16 || states > cursor.Remaining)
        {
            throw CheckpointDataException.Corrupt($"its {name} optimizer state announces {groups} parameter groups and {states} parameters, more than the file holds.");
        }

        var record = new OptimizerRecord { Kind = name, ParameterCount = (int)states };
        for (int g = 0; g < groups; g++)
        {
            cursor.Context = $"parameter group {g} of the {name} optimizer state";
            var group = new OptimizerGroupRecord();
            group.HyperParameters[OptimizerStateTransfer.InitialLearningRateKey] = cursor.ReadDouble();
            group.HyperParameters[OptimizerStateTransfer.LearningRateKey] = cursor.ReadDouble();
            var fields = layout.TorchSharpOptionOrder.ToDictionary(
                field => field,
                field => layout.IsBoolean(field) ? (object)cursor.ReadBoolean() : cursor.ReadDouble());
            foreach (var (key, value) in layout.ToPyTorch(field => fields[field]))
            {
                group.HyperParameters[key] = value;
            }

            record.Groups.Add(group);
        }

        for (int i = 0; i < states; i++)
        {
            cursor.Context = $"the {name} optimizer state of parameter {i}";
            var entries = new Dictionary<string, object?>();
            foreach (var key in layout.State)
            {
                string what = $"optimizer state '{key}' of parameter {i}";
                entries[key] = key == OptimizerLayout.StepKey ? (object)ReadStep(cursor, what)
                    : !layout.ConditionalState.Contains(key) || cursor.ReadBoolean() ? ReadTensor(cursor, what)
                    : null;
            }

            record.States[i] = entries;
        }

        return record;
    }

    private static long ReadStep(Cursor cursor, string what)
    {
        long step = cursor.ReadInt64();
        return step >= 0 ? step : throw CheckpointDataException.Corrupt($"{what} is negative ({step}).");
    }

    /// <summary>
    /// <see cref="BinaryReader"/> over untrusted bytes, with what is being read for messages: a length is checked against
    /// the bytes left before anything is allocated, and a bool must be exactly 0 or 1.
    /// </summary>
    private sealed class Cursor(MemoryStream stream) : BinaryReader(stream, StrictUtf8)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public string Context { get; set; } = "the data";

        public long Position => stream.Position;

        public long Remaining => stream.Length - stream.Position;

        /// <summary>An unsigned LEB128 number (TorchSharp's lengths, counts, shapes and type codes).</summary>
        public long ReadLeb128() => Read7BitEncodedInt64() is long value and >= 0 ? value : throw new FormatException();

        public byte[] ReadBytes(long count) => count <= Remaining ? base.ReadBytes((int)count) : throw new EndOfStreamException();

        public override bool ReadBoolean() => ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw CheckpointDataException.Corrupt($"{Context}: byte {Position - 1} should be a boolean (0 or 1) but is {b}."),
        };

        /// <summary>A string as <c>BinaryWriter.Write(string)</c> writes it (strict UTF-8), of at most <paramref name="maxBytes"/> bytes.</summary>
        public string ReadString(int maxBytes)
        {
            long length = ReadLeb128();
            return length > maxBytes && length <= Remaining
                ? throw CheckpointDataException.Corrupt($"{Context}: a name of {length} bytes (at most {maxBytes} are allowed).")
                : StrictUtf8.GetString(ReadBytes(length));
        }
    }
}
