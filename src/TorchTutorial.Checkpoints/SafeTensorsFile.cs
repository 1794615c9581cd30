using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// The safetensors format: an unsigned 64-bit little-endian header length, a JSON header
/// (<c>{"name": {"dtype": "F32", "shape": [6, 10], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>)
/// padded with spaces to a multiple of 8 bytes, then the tensors' raw little-endian bytes.
/// </summary>
/// <remarks>
/// It holds tensors only, so only the model's weights: no optimizer state. Files written here also carry
/// <c>"__metadata__": {"format": "pt", "torchtutorial.checksum": "torchtutorial-sha256:&lt;64 hex digits&gt;"}</c>: the
/// SHA-256 of the whole file with those digits written as zeros, which the reader checks when present (other writers'
/// files have none; it is recognised by its key or its value, so damage to either is caught). The reader is strict: offsets must tile the data
/// exactly (in bounds, no overlap, no gaps, nothing after), and each tensor's byte count must match its dtype and shape.
/// </remarks>
internal static class SafeTensorsFile
{
    /// <summary>The metadata key of the file's checksum.</summary>
    public const string ChecksumKey = "torchtutorial.checksum";

    /// <summary>What the checksum's value starts with; 64 lower-case hex digits follow.</summary>
    public const string ChecksumPrefix = "torchtutorial-sha256:";

    /// <summary>The largest header accepted (the reference implementation's limit is 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly string ChecksumPlaceholder = new('0', 64);

    /// <summary>Strict: no repeated names, no unknown or missing fields, no nulls, shallow.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        MaxDepth = 4,
    };

    /// <summary>Writes the tensors.</summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, TensorRecord>> tensors)
    {
        var header = new Dictionary<string, object> { [MetadataKey] = new Dictionary<string, string> { ["format"] = "pt", [ChecksumKey] = ChecksumPrefix + ChecksumPlaceholder } };
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            header[name] = new Entry(tensor.DType.SafeTensorsName, tensor.Shape, [offset, offset += tensor.Data.Length]);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        int padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        offset = 8 + padded;
        foreach (var (_, tensor) in tensors)
        {
            tensor.Data.CopyTo(file, offset);
            offset += tensor.Data.Length;
        }

        int at = file.AsSpan(8, padded).IndexOf(Encoding.ASCII.GetBytes(ChecksumPrefix + ChecksumPlaceholder)) + 8 + ChecksumPrefix.Length;
        Encoding.ASCII.GetBytes(Checksum(file)).CopyTo(file, at);
        return file;
    }

    /// <summary>Parses and checks a whole file.</summary>
    /// <exception cref="CheckpointDataException">The file is truncated, damaged or not safetensors.</exception>
    public static CheckpointContent Read(byte[] file)
    {
        if (file.Length < 8)
        {
            throw CheckpointDataException.Truncated($"it has {file.Length} bytes, fewer than the 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8))
        {
            throw headerLength <= MaxHeaderBytes
                ? CheckpointDataException.Truncated($"its header is {headerLength} bytes long but only {file.Length - 8} bytes follow the length.")
                : new CheckpointDataException(CheckpointProblem.NotACheckpoint, $"its first 8 bytes announce a {headerLength}-byte header: it is not a safetensors file.");
        }

        if (headerLength < 2 || headerLength > MaxHeaderBytes)
        {
            throw CheckpointDataException.Corrupt($"its header length {headerLength} is out of range.");
        }

        var header = file.AsMemory(8, (int)headerLength);
        if (header.Span[0] != (byte)'{')
        {
            throw new CheckpointDataException(CheckpointProblem.NotACheckpoint, "its header does not start with '{': it is not a safetensors file.");
        }

        var entries = new List<(string Name, TensorDType DType, long[] Shape, long Begin, long End)>();
        try
        {
            var properties = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(header.Span, Json)!;
            if (properties.Remove(MetadataKey, out var metadata) && ReadChecksum(metadata.Deserialize<Dictionary<string, string>>(Json)!) is string checksum)
            {
                // A file written here is checked whole first, so damage reads as damage rather than as an odd header.
                VerifyChecksum(file, (int)headerLength, checksum);
            }

            foreach (var (name, value) in properties)
            {
                entries.Add(ReadEntry(name, value.Deserialize<Entry>(Json)!));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw CheckpointDataException.Corrupt($"its header is not valid safetensors JSON ({ex.Message.TrimEnd('.')}).");
        }

        var data = file.AsMemory(8 + (int)headerLength);
        long expectedBegin = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != expectedBegin)
            {
                throw CheckpointDataException.Corrupt(entry.Begin < expectedBegin
                    ? $"tensor '{entry.Name}' overlaps another one (data_offsets begin at {entry.Begin}, before {expectedBegin})."
                    : $"the data bytes {expectedBegin}..{entry.Begin} belong to no tensor.");
            }

            expectedBegin = entry.End;
        }

        if (expectedBegin > data.Length)
        {
            throw CheckpointDataException.Truncated($"its tensors need {expectedBegin} data bytes but the file holds {data.Length}.");
        }

        if (expectedBegin < data.Length)
        {
            throw CheckpointDataException.Corrupt($"{data.Length - expectedBegin} bytes after the last tensor belong to no tensor.");
        }

        var content = new CheckpointContent();
        foreach (var entry in entries)
        {
            var bytes = data.Span[(int)entry.Begin..(int)entry.End].ToArray();
            content.ModelTensors.Add(new(entry.Name, TensorRecord.Create(entry.DType, entry.Shape, bytes, $"tensor '{entry.Name}'")));
        }

        return content;
    }

    /// <summary>Checks the SHA-256 of the whole file, with the checksum's digits written as zeros, against <paramref name="checksum"/>.</summary>
    private static void VerifyChecksum(byte[] file, int headerLength, string checksum)
    {
        var copy = (byte[])file.Clone();
        int at = copy.AsSpan(8, headerLength).IndexOf(Encoding.ASCII.GetBytes(ChecksumPrefix + checksum));
        if (at < 0)
        {
            throw CheckpointDataException.Corrupt($"its {ChecksumKey} metadata is escaped in the header.");
        }

        Encoding.ASCII.GetBytes(ChecksumPlaceholder).CopyTo(copy, 8 + at + ChecksumPrefix.Length);
        if (!Checksum(copy).Equals(checksum, StringComparison.Ordinal))
        {
            throw CheckpointDataException.Corrupt("its SHA-256 checksum does not match its contents: the file was damaged or altered after it was written.");
        }
    }

    /// <summary>The SHA-256 (lower-case hex) of a file whose header holds the placeholder in place of the checksum.</summary>
    private static string Checksum(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file));

    private static bool IsChecksumValue(string value) =>
        value.Length == ChecksumPrefix.Length + 64 && value.StartsWith(ChecksumPrefix, StringComparison.Ordinal) && value[ChecksumPrefix.Length..].All(char.IsAsciiHexDigitLower);

    /// <summary>The checksum's digits, recognised by its key or by its value, so that damage to either one is caught.</summary>
    private static string? ReadChecksum(Dictionary<string, string> metadata)
    {
        var found = metadata.Where(m => m.Key == ChecksumKey || IsChecksumValue(m.Value)).ToList();
        return found switch
        {
            [] => null,
            [var (_, value)] when IsChecksumValue(value) => value[ChecksumPrefix.Length..],
            _ => throw CheckpointDataException.Corrupt($"its {ChecksumKey} metadata is not '{ChecksumPrefix}' and a SHA-256 in lower-case hex, or appears twice."),
        };
    }

    private static (string Name, TensorDType DType, long[] Shape, long Begin, long End) ReadEntry(string name, Entry entry)
    {
        string what = $"tensor '{name}'";
        var dtype = TensorDType.FromSafeTensorsName(entry.Dtype)
            ?? throw new CheckpointDataException(CheckpointProblem.Unsupported, $"{what} has dtype '{entry.Dtype}'; supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL.");
        var offsets = entry.DataOffsets;
        if (name.Length == 0 || offsets is not [>= 0 and var begin, var end] || end < begin || entry.Shape.Length > TensorRecord.MaxDimensions || entry.Shape.Any(s => s < 0))
        {
            throw CheckpointDataException.Corrupt($"{what} needs a name, a shape of non-negative sizes and data_offsets [begin, end] with 0 ≤ begin ≤ end.");
        }

        long bytes = TensorRecord.ByteCount(dtype, entry.Shape, what);
        if (end - begin != bytes)
        {
            throw CheckpointDataException.Corrupt($"{what} is {dtype} {TensorRecord.FormatShape(entry.Shape)}, {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}.");
        }

        return (name, dtype, entry.Shape, begin, end);
    }

    /// <summary>One tensor's header entry.</summary>
    private sealed record Entry(string Dtype, long[] Shape, long[] DataOffsets);
}
