using System.Text;
using TorchTutorial.Native;

namespace TorchTutorial.Compatibility.Tests;

/// <summary>Byte-level edits the tests apply to copies of real ELF files.</summary>
internal static class ElfTestEdits
{
    /// <summary>Writes <paramref name="value"/> little-endian at <paramref name="offset"/>.</summary>
    public static void WriteUInt32(byte[] data, long offset, uint value)
    {
        for (int i = 0; i < 4; i++)
        {
            data[offset + i] = (byte)(value >> (8 * i));
        }
    }

    /// <summary>Writes <paramref name="value"/> little-endian at <paramref name="offset"/>.</summary>
    public static void WriteUInt64(byte[] data, long offset, ulong value)
    {
        WriteUInt32(data, offset, (uint)value);
        WriteUInt32(data, offset + 4, (uint)(value >> 32));
    }

    /// <summary>The offsets at which two equally long arrays differ.</summary>
    public static List<long> Differences(byte[] left, byte[] right)
    {
        Assert.That(right, Has.Length.EqualTo(left.Length), "the arrays differ in length");
        var offsets = new List<long>();
        for (long i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
            {
                offsets.Add(i);
            }
        }

        return offsets;
    }

    /// <summary>
    /// Renames the NUL-terminated string <paramref name="from"/> to <paramref name="to"/> (same length) in the
    /// string table that names the versions <paramref name="elf"/> defines, and returns the edited copy.
    /// </summary>
    public static byte[] RenameDefinedVersion(byte[] elf, string from, string to)
    {
        Assert.That(to, Has.Length.EqualTo(from.Length), "a same-length rename keeps every other offset valid");
        ElfImage image = ElfImage.Parse(elf);
        ElfSection definitions = image.Sections.Single(s => s.Type == ElfSection.TypeGnuVersionDefinitions);
        ElfSection strings = image.Sections[(int)definitions.Link];
        byte[] needle = Encoding.ASCII.GetBytes(from + "\0");
        byte[] copy = (byte[])elf.Clone();
        for (long i = strings.Offset; i + needle.Length <= strings.Offset + strings.Size; i++)
        {
            if ((i == strings.Offset || copy[i - 1] == 0) && copy.AsSpan((int)i, needle.Length).SequenceEqual(needle))
            {
                Encoding.ASCII.GetBytes(to).CopyTo(copy, i);
                return copy;
            }
        }

        Assert.Fail($"'{from}' is not in the version string table");
        return copy;
    }
}
