using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the tensors.</summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, TensorRecord>> tensors)
    {
        long dataLength = tensors.Sum(t => (long)t.Value.Data.Length);
        var data = new byte[dataLength];
        long offset = 0;
        foreach (var (_, tensor) in tensors)
        {
            tensor.Data.CopyTo(data, offset);
            offset += tensor.Data.Length;
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            writer.WriteString("format", "pt");
            writer.WriteString(ChecksumKey, ChecksumPrefix + ChecksumPlaceholder);
            writer.WriteEndObject();
            offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", tensor.DType.SafeTensorsName);
                writer.WriteStartArray("shape");
                foreach (long size in tensor.Shape)
                {
                    writer.WriteNumberValue(size);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + tensor.Data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += tensor.Data.Length;
            }

            writer.WriteEndObject();
        }

        int headerLength = (int)json.Length;
        int padded = (headerLength + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        var header = file.AsSpan(8, padded);
        int at = header.IndexOf(Encoding.ASCII.GetBytes(ChecksumPrefix + ChecksumPlaceholder)) + ChecksumPrefix.Length;
        Encoding.ASCII.GetBytes(Checksum(file)).CopyTo(header[at..]);
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

        var header = file.AsSpan(8, (int)headerLength);
        if (header[0] != (byte)'{')
        {
            throw new CheckpointDataException(CheckpointProblem.NotACheckpoint, "its header does not start with '{': it is not a safetensors file.");
        }

        try
        {
            _ = StrictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException)
        {
            throw CheckpointDataException.Corrupt("its header is not valid UTF-8.");
        }

        var data = file.AsMemory(8 + (int)headerLength);
        var entries = new List<(string Name, TensorDType DType, long[] Shape, long Begin, long End)>();
        string? checksum = null;
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 4 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw CheckpointDataException.Corrupt("its header is not a JSON object.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw CheckpointDataException.Corrupt($"its header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    checksum = ReadMetadata(property.Value);
                }
            }

            // A file written here is checked whole first, so damage reads as damage rather than as an odd header.
            if (checksum is not null)
            {
                VerifyChecksum(file, (int)headerLength, checksum);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != MetadataKey)
                {
                    entries.Add(ReadEntry(property.Name, property.Value));
                }
            }

            if (reader.BytesConsumed < header.Length && header[(int)reader.BytesConsumed..].IndexOfAnyExcept((byte)' ') >= 0)
            {
                throw CheckpointDataException.Corrupt("its header has bytes other than space padding after the JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw CheckpointDataException.Corrupt($"its header is not valid JSON ({ex.Message}).");
        }
        catch (InvalidOperationException ex)
        {
            throw CheckpointDataException.Corrupt($"its header is malformed ({ex.Message}).");
        }

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
        var copiedHeader = copy.AsSpan(8, headerLength);
        int at = copiedHeader.IndexOf(Encoding.ASCII.GetBytes(ChecksumPrefix + checksum));
        if (at < 0)
        {
            throw CheckpointDataException.Corrupt($"its {ChecksumKey} metadata is escaped in the header.");
        }

        Encoding.ASCII.GetBytes(ChecksumPlaceholder).CopyTo(copiedHeader[(at + ChecksumPrefix.Length)..]);
        if (!Checksum(copy).Equals(checksum, StringComparison.Ordinal))
        {
            throw CheckpointDataException.Corrupt("its SHA-256 checksum does not match its contents: the file was damaged or altered after it was written.");
        }
    }

    /// <summary>The SHA-256 (lower-case hex) of a file whose header holds the placeholder in place of the checksum.</summary>
    private static string Checksum(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file));

    private static bool IsChecksumValue(string value) =>
        value.Length == ChecksumPrefix.Length + 64 && value.StartsWith(ChecksumPrefix, StringComparison.Ordinal) && value[ChecksumPrefix.Length..].All(char.IsAsciiHexDigitLower);

    private static string? ReadMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw CheckpointDataException.Corrupt("its __metadata__ is not an object.");
        }

        string? checksum = null;
        foreach (var item in metadata.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw CheckpointDataException.Corrupt($"its __metadata__ entry '{item.Name}' is not a string.");
            }

            // Recognised by its key or by its value, so that damage to either one is caught.
            string value = item.Value.GetString()!;
            if (item.Name == ChecksumKey || IsChecksumValue(value))
            {
                if (checksum is not null || !IsChecksumValue(value))
                {
                    throw CheckpointDataException.Corrupt($"its {ChecksumKey} metadata is not '{ChecksumPrefix}' and a SHA-256 in lower-case hex, or appears twice.");
                }

                checksum = value[ChecksumPrefix.Length..];
            }
        }

        return checksum;
    }

    private static (string Name, TensorDType DType, long[] Shape, long Begin, long End) ReadEntry(string name, JsonElement value)
    {
        string what = $"tensor '{name}'";
        if (name.Length == 0 || value.ValueKind != JsonValueKind.Object)
        {
            throw CheckpointDataException.Corrupt($"its header entry for {what} is not an object with a name.");
        }

        TensorDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null && field.Value.ValueKind == JsonValueKind.String:
                    string code = field.Value.GetString()!;
                    dtype = TensorDType.FromSafeTensorsName(code)
                        ?? throw new CheckpointDataException(CheckpointProblem.Unsupported, $"{what} has dtype '{code}'; supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL.");
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(field.Value, what, "shape");
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(field.Value, what, "data_offsets");
                    break;
                default:
                    throw CheckpointDataException.Corrupt($"{what} has an unexpected or repeated header field '{field.Name}'.");
            }
        }

        if (dtype is null || shape is null || offsets is not { Length: 2 } || offsets[1] < offsets[0])
        {
            throw CheckpointDataException.Corrupt($"{what} needs a dtype, a shape and data_offsets [begin, end] with begin ≤ end.");
        }

        long bytes = TensorRecord.ByteCount(dtype, shape, what);
        if (offsets[1] - offsets[0] != bytes)
        {
            throw CheckpointDataException.Corrupt(
                $"{what} is {dtype} {TensorRecord.FormatShape(shape)}, {bytes} bytes, but its data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}.");
        }

        return (name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement array, string what, string field)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > TensorRecord.MaxDimensions)
        {
            throw CheckpointDataException.Corrupt($"{what}'s {field} is not a short array of whole numbers.");
        }

        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw CheckpointDataException.Corrupt($"{what}'s {field} holds something other than non-negative whole numbers.");
            }

            values[i++] = v;
        }

        return values;
    }
}
