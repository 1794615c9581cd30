using System.Buffers.Binary;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Reads little-endian values from untrusted bytes. Every read is bounds-checked first, so a length or count read from
/// a damaged file can never cause an allocation larger than the bytes that are actually there.
/// </summary>
internal sealed class BinaryCursor(byte[] data, int start, int end)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads all of <paramref name="data"/>.</summary>
    public BinaryCursor(byte[] data)
        : this(data, 0, data.Length)
    {
    }

    /// <summary>The index of the next byte.</summary>
    public int Position { get; private set; } = start;

    /// <summary>The bytes left.</summary>
    public int Remaining => end - Position;

    /// <summary>What is being read, for messages ("tensor 'linear1.weight'").</summary>
    public string Context { get; set; } = "the data";

    /// <summary>Takes the next <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadSpan(long count)
    {
        Require(count);
        var span = data.AsSpan(Position, (int)count);
        Position += (int)count;
        return span;
    }

    /// <summary>Copies the next <paramref name="count"/> bytes.</summary>
    public byte[] ReadBytes(long count) => ReadSpan(count).ToArray();

    /// <summary>One byte.</summary>
    public byte ReadByte() => ReadSpan(1)[0];

    /// <summary>A .NET <c>BinaryWriter</c> bool: exactly 0 or 1.</summary>
    public bool ReadBoolean()
    {
        byte b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw CheckpointDataException.Corrupt($"{Context}: byte {Position - 1} should be a boolean (0 or 1) but is {b}."),
        };
    }

    /// <summary>A little-endian 32-bit integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4));

    /// <summary>A little-endian 64-bit integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8));

    /// <summary>A little-endian 64-bit unsigned integer.</summary>
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8));

    /// <summary>A little-endian IEEE double.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadSpan(8));

    /// <summary>An unsigned LEB128 number (TorchSharp's lengths, counts, shapes and type codes) of at most 63 bits.</summary>
    public long ReadLeb128()
    {
        ulong value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (value > long.MaxValue)
                {
                    break;
                }

                return (long)value;
            }
        }

        throw CheckpointDataException.Corrupt($"{Context}: a length or count near byte {Position} is not a valid number.");
    }

    /// <summary>A string as <c>BinaryWriter.Write(string)</c> writes it: 7-bit encoded byte count, then strict UTF-8.</summary>
    public string ReadString(int maxBytes)
    {
        long length = ReadLeb128();
        if (length > maxBytes)
        {
            if (length > Remaining)
            {
                throw Truncated(length);
            }

            throw CheckpointDataException.Corrupt($"{Context}: a name of {length} bytes (at most {maxBytes} are allowed).");
        }

        var bytes = ReadSpan(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw CheckpointDataException.Corrupt($"{Context}: a name near byte {Position} is not valid UTF-8.");
        }
    }

    /// <summary>Fails unless <paramref name="count"/> more bytes are there.</summary>
    public void Require(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Truncated(count);
        }
    }

    private CheckpointDataException Truncated(long count) =>
        CheckpointDataException.Truncated(
            $"the file ends inside {Context}: {count} more bytes were needed at byte {Position}, but only {Math.Max(Remaining, 0)} are left.");
}
