using System.Buffers.Binary;
using System.Text;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Writes a zip archive the way PyTorch's <c>torch.save</c> does: entries stored uncompressed, each entry's data aligned
/// to 64 bytes by padding in the local header's extra field, fixed timestamps (so equal content gives equal bytes),
/// no zip64 (archives up to 4 GiB). The archive comment, which zip readers (PyTorch's included) ignore, holds
/// <c>TorchTutorial-SHA256:</c> and the SHA-256 of every byte before those 64 hex digits, so any damage to the file shows.
/// </summary>
/// <remarks>
/// Hand-written rather than <see cref="System.IO.Compression.ZipArchive"/> for one reason: the alignment. PyTorch's
/// writer pads every record so its data starts on a 64-byte boundary, which <c>torch.load(f, mmap=True)</c> relies on to
/// map tensors straight from the file; <c>ZipArchive</c> has no way to pad a local header, and with
/// <c>CompressionLevel.NoCompression</c> it puts the same records at unaligned offsets. ZipAlignmentTests shows both.
/// Reading uses <c>ZipArchive</c>.
/// </remarks>
internal sealed class StoredZipWriter
{
    private const int Alignment = 64;
    private const ushort PaddingFieldId = 0x4246; // "FB", as PyTorch's writer uses
    private const ushort DosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
    private const ushort Version = 20;

    /// <summary>The start of the archive comment that carries the file's checksum.</summary>
    public static ReadOnlySpan<byte> ChecksumMarker => "TorchTutorial-SHA256:"u8;

    /// <summary>The archive comment's length: the marker and 64 hex digits.</summary>
    public const int ChecksumCommentLength = 21 + 64;

    private readonly MemoryStream output = new();
    private readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> entries = [];

    /// <summary>Adds an entry.</summary>
    /// <exception cref="CheckpointDataException">The archive would exceed 4 GiB.</exception>
    public void Add(string name, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        long offset = output.Length;
        int headerEnd = (int)((offset + 30 + nameBytes.Length + 4) % Alignment);
        int padding = (Alignment - headerEnd) % Alignment;
        if (offset + 30 + nameBytes.Length + 4 + padding + data.Length > uint.MaxValue)
        {
            throw new CheckpointDataException(CheckpointProblem.Unsupported, "the checkpoint would exceed 4 GiB, the largest .pt file written here.");
        }

        if (entries.Count >= ushort.MaxValue)
        {
            throw new CheckpointDataException(CheckpointProblem.Unsupported, "the checkpoint would need more than 65534 archive entries.");
        }

        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        Span<byte> header = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034B50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(4 + padding));
        output.Write(header);
        output.Write(nameBytes);
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(field, PaddingFieldId);
        BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)padding);
        output.Write(field);
        output.Write(Enumerable.Repeat((byte)'Z', padding).ToArray());

        output.Write(data);
        entries.Add((nameBytes, crc, (uint)data.Length, (uint)offset));
    }

    /// <summary>Writes the central directory and returns the archive.</summary>
    public byte[] Finish()
    {
        long directoryOffset = output.Length;
        Span<byte> header = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in entries)
        {
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014B50);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header[14..], DosDate);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(header[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[42..], offset);
            output.Write(header);
            output.Write(name);
        }

        long directorySize = output.Length - directoryOffset;
        Span<byte> end = stackalloc byte[22];
        end.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054B50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)directoryOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], ChecksumCommentLength);
        output.Write(end);
        output.Write(ChecksumMarker);
        var checksum = System.Security.Cryptography.SHA256.HashData(output.GetBuffer().AsSpan(0, (int)output.Length));
        output.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(checksum)));
        return output.ToArray();
    }
}
