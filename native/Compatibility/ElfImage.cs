using System;
using System.Collections.Generic;
using System.Text;

namespace TorchTutorial.Native;

/// <summary>
/// A read-only, bounds-checked view of the parts of an ELF64 little-endian file the compatibility step reads: section
/// headers, <c>.dynsym</c> with <c>.gnu.version</c>, <c>.gnu.version_r</c>, <c>.gnu.version_d</c>, and the relocations
/// that refer to dynamic symbols. Malformed input raises <see cref="ElfFormatException"/>, never an index error.
/// </summary>
public sealed class ElfImage
{
    private readonly byte[] _data;
    private readonly string? _fileName;

    private ElfImage(byte[] data, string? fileName)
    {
        _data = data;
        _fileName = fileName;
        if (data.Length < 64)
        {
            throw Error("it is shorter than the 64-byte ELF64 header");
        }

        if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
        {
            throw Error($"it does not start with the ELF magic bytes 7F 45 4C 46 (found {data[0]:X2} {data[1]:X2} {data[2]:X2} {data[3]:X2}), so it is not an ELF file at all");
        }

        if (data[4] != 2)
        {
            throw Error($"its EI_CLASS is {data[4]} (1 = 32-bit); only 64-bit ELF (EI_CLASS 2) is supported");
        }

        if (data[5] != 1)
        {
            throw Error($"its EI_DATA is {data[5]} (2 = big-endian); only little-endian ELF (EI_DATA 1) is supported");
        }

        Sections = ReadSections();
        ElfSection? dynsym = Sections.Find(s => s.Type == ElfSection.TypeDynamicSymbols);
        DynamicSymbols = dynsym == null ? new List<ElfSymbol>() : ReadSymbols(dynsym);
        VersionNeeds = ReadVersionNeeds();
        DefinedVersions = ReadDefinedVersions();
        DynamicRelocations = dynsym == null ? new List<ElfRelocation>() : ReadRelocations(dynsym);
    }

    /// <summary>The file the bytes came from, when the caller named one (used in error messages).</summary>
    public string? FileName => _fileName;

    /// <summary>All section headers, indexed by section number.</summary>
    public List<ElfSection> Sections { get; }

    /// <summary>The <c>.dynsym</c> entries with their <c>.gnu.version</c> indexes (empty without a dynamic symbol table).</summary>
    public List<ElfSymbol> DynamicSymbols { get; }

    /// <summary>Every <c>Vernaux</c> entry of <c>.gnu.version_r</c>, with the file it is needed from.</summary>
    public List<ElfVersionNeed> VersionNeeds { get; }

    /// <summary>The version names <c>.gnu.version_d</c> defines, without the base entry that names the file itself.</summary>
    public ISet<string> DefinedVersions { get; }

    /// <summary>
    /// Relocations of every <c>SHT_RELA</c>/<c>SHT_REL</c> section that takes its symbols from <c>.dynsym</c> (linked to
    /// it, or loaded and unlinked: the dynamic loader then uses <c>DT_SYMTAB</c>, which is <c>.dynsym</c>).
    /// </summary>
    public List<ElfRelocation> DynamicRelocations { get; }

    /// <summary>Parses <paramref name="data"/>, which must not change afterwards.</summary>
    /// <param name="data">The complete file contents.</param>
    /// <param name="fileName">The file the bytes came from, for error messages.</param>
    /// <returns>The parsed view.</returns>
    /// <exception cref="ElfFormatException">The data is not a well-formed ELF64 little-endian file.</exception>
    public static ElfImage Parse(byte[] data, string? fileName = null) => new(data ?? throw new ArgumentNullException(nameof(data)), fileName);

    private ElfFormatException Error(string problem) => new(_fileName, problem, _data.Length);

    private int At(long offset, int size, string what)
    {
        if (offset < 0 || offset > _data.Length - size)
        {
            throw Error($"{what} (offset 0x{offset:x}, {size} bytes) lies outside the file");
        }

        return (int)offset;
    }

    private ushort U16(long offset, string what) => BitConverter.ToUInt16(_data, At(offset, 2, what));

    private uint U32(long offset, string what) => BitConverter.ToUInt32(_data, At(offset, 4, what));

    private ulong U64(long offset, string what) => BitConverter.ToUInt64(_data, At(offset, 8, what));

    private List<ElfSection> ReadSections()
    {
        ulong table = U64(0x28, "e_shoff");
        ushort entrySize = U16(0x3a, "e_shentsize");
        ulong count = U16(0x3c, "e_shnum");
        uint namesIndex = U16(0x3e, "e_shstrndx");
        if (table == 0)
        {
            throw Error("it has no section header table (e_shoff is 0), so its version sections cannot be located");
        }

        if (entrySize != 64)
        {
            throw Error($"its section header entry size (e_shentsize) is {entrySize}, not 64");
        }

        if (table > (ulong)_data.Length)
        {
            throw Error($"its section header table starts at 0x{table:x}, past the end of the file");
        }

        // Extended numbering keeps the real count and name table index in section 0.
        count = count == 0 ? U64((long)table + 32, "section 0 sh_size (extended section count)") : count;
        namesIndex = namesIndex == 0xffff ? U32((long)table + 40, "section 0 sh_link (extended e_shstrndx)") : namesIndex;
        if (count > (ulong)(_data.Length - (long)table) / 64)
        {
            throw Error($"its section header table (offset 0x{table:x}, {count} entries of 64 bytes) extends past the end of the file");
        }

        var sections = new List<ElfSection>((int)count);
        var nameOffsets = new uint[count];
        for (int i = 0; i < (int)count; i++)
        {
            long at = (long)table + (64L * i);
            string label = "section header " + i;
            nameOffsets[i] = U32(at, label);
            uint type = U32(at + 4, label);
            ulong offset = U64(at + 24, label), size = U64(at + 32, label);
            bool inFile = i != 0 && type != ElfSection.TypeNoBits;
            if (inFile && size != 0 && (offset > (ulong)_data.Length || size > (ulong)_data.Length - offset))
            {
                throw Error($"section {i} (offset 0x{offset:x}, size 0x{size:x}) extends past the end of the file");
            }

            sections.Add(new ElfSection(i, string.Empty, type, U64(at + 8, label), inFile ? (long)offset : 0, inFile ? (long)size : 0,
                U32(at + 40, label), U32(at + 44, label), U64(at + 56, label)));
        }

        ElfSection? names = namesIndex != 0 && namesIndex < (uint)sections.Count ? sections[(int)namesIndex] : null;
        return sections.ConvertAll(s => names == null || s.Index == 0 ? s : s with { Name = ReadString(names, nameOffsets[s.Index], "name of section " + s.Index) });
    }

    private string ReadString(ElfSection table, uint offset, string what)
    {
        if (table.Type == ElfSection.TypeNoBits || offset >= table.Size)
        {
            throw Error($"{what}: string offset 0x{offset:x} lies outside string table {table} ({table.Size} bytes)");
        }

        int start = (int)(table.Offset + offset);
        int end = Array.IndexOf(_data, (byte)0, start, (int)(table.Size - offset));
        return end < 0
            ? throw Error($"{what}: the string at offset 0x{offset:x} of string table {table} has no terminating NUL byte")
            : Encoding.UTF8.GetString(_data, start, end - start);
    }

    private ElfSection Linked(ElfSection owner, string purpose) =>
        owner.Link != 0 && owner.Link < (uint)Sections.Count
            ? Sections[(int)owner.Link]
            : throw Error($"section {owner} links to section {owner.Link} for its {purpose}, but the file has sections 1..{Sections.Count - 1}");

    private void CheckEntrySize(ElfSection section, int expected)
    {
        if (section.EntrySize != 0 && section.EntrySize != (ulong)expected)
        {
            throw Error($"section {section} has entry size {section.EntrySize}, expected {expected}");
        }
    }

    private void CheckInside(ElfSection section, long offset, int size, string what)
    {
        if (offset < section.Offset || offset > section.Offset + section.Size - size)
        {
            throw Error($"{what} (offset 0x{offset:x}) lies outside its section {section} (offset 0x{section.Offset:x}, size 0x{section.Size:x})");
        }
    }

    private List<ElfSymbol> ReadSymbols(ElfSection dynsym)
    {
        CheckEntrySize(dynsym, 24);
        ElfSection strings = Linked(dynsym, "symbol names");
        int count = (int)(dynsym.Size / 24);
        ElfSection? versions = Sections.Find(s => s.Type == ElfSection.TypeGnuVersionSymbols);
        if (versions != null)
        {
            CheckEntrySize(versions, 2);
            if (versions.Size / 2 < count)
            {
                throw Error($"section {versions} holds {versions.Size / 2} version indexes but .dynsym has {count} symbols");
            }
        }

        var symbols = new List<ElfSymbol>(count);
        for (int i = 0; i < count; i++)
        {
            uint name = U32(dynsym.Offset + (24L * i), "dynamic symbol " + i);
            ushort version = versions == null ? (ushort)0 : (ushort)(U16(versions.Offset + (2L * i), "version index of symbol " + i) & 0x7fff);
            symbols.Add(new ElfSymbol(i, i == 0 && name == 0 ? string.Empty : ReadString(strings, name, "name of dynamic symbol " + i), version));
        }

        return symbols;
    }

    /// <summary>Walks a <c>Verneed</c> (16-byte) or <c>Verdef</c> (20-byte) chain: (entry offset, aux count, first aux offset) each.</summary>
    private IEnumerable<(long At, ushort AuxCount, long AuxAt)> Chain(ElfSection section, int entrySize, int auxCountAt, int auxOffsetAt, int nextAt, string what)
    {
        long maxEntries = section.Size / entrySize;
        long at = section.Offset;
        for (long n = 0; n < (section.Info != 0 ? section.Info : maxEntries); n++)
        {
            string label = $"{what} {n} of {section}";
            CheckInside(section, at, entrySize, label);
            yield return (at, U16(at + auxCountAt, label), at + U32(at + auxOffsetAt, label));
            uint next = U32(at + nextAt, label);
            if (next == 0)
            {
                yield break;
            }

            at += next;
            if (n + 1 >= maxEntries)
            {
                throw Error($"{section} chains more {what}s than fit in it");
            }
        }
    }

    private List<ElfVersionNeed> ReadVersionNeeds()
    {
        var needs = new List<ElfVersionNeed>();
        ElfSection? section = Sections.Find(s => s.Type == ElfSection.TypeGnuVersionNeeds);
        if (section == null)
        {
            return needs;
        }

        ElfSection strings = Linked(section, "version names");
        foreach ((long at, ushort auxCount, long first) in Chain(section, 16, 2, 8, 12, "version need entry"))
        {
            string file = ReadString(strings, U32(at + 4, "version need entry"), "file name of version need entry");
            long aux = first;
            for (int k = 0; k < auxCount; k++)
            {
                string label = $"version {k} needed from {file}";
                CheckInside(section, aux, 16, label);
                string name = ReadString(strings, U32(aux + 8, label), "name of " + label);
                needs.Add(new ElfVersionNeed(file, name, U16(aux + 4, label), (ushort)(U16(aux + 6, label) & 0x7fff), aux + 4));
                uint next = U32(aux + 12, label);
                if (next == 0)
                {
                    break;
                }

                aux += next;
            }
        }

        return needs;
    }

    private HashSet<string> ReadDefinedVersions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        ElfSection? section = Sections.Find(s => s.Type == ElfSection.TypeGnuVersionDefinitions);
        if (section == null)
        {
            return names;
        }

        ElfSection strings = Linked(section, "version names");
        foreach ((long at, ushort auxCount, long aux) in Chain(section, 20, 6, 12, 16, "version definition"))
        {
            // The first Verdaux names the version, further ones its parents; VER_FLG_BASE (1) marks the file's own name.
            if (auxCount > 0 && (U16(at + 2, "version definition") & 1) == 0)
            {
                CheckInside(section, aux, 8, "name entry of a version definition");
                names.Add(ReadString(strings, U32(aux, "version definition"), "name of a version definition"));
            }
        }

        return names;
    }

    private List<ElfRelocation> ReadRelocations(ElfSection dynsym)
    {
        var relocations = new List<ElfRelocation>();
        foreach (ElfSection section in Sections)
        {
            bool isRela = section.Type == ElfSection.TypeRela;
            if ((!isRela && section.Type != ElfSection.TypeRel)
                || !(section.Link == (uint)dynsym.Index || (section.Link == 0 && (section.Flags & ElfSection.FlagAlloc) != 0)))
            {
                continue;
            }

            int entrySize = isRela ? 24 : 16;
            CheckEntrySize(section, entrySize);
            for (long i = 0; i < section.Size / entrySize; i++)
            {
                long at = section.Offset + (i * entrySize);
                string label = $"relocation {i} of {section}";
                uint symbol = (uint)(U64(at + 8, label) >> 32);
                if (symbol >= (uint)DynamicSymbols.Count)
                {
                    throw Error($"{label} refers to symbol {symbol}, but .dynsym has {DynamicSymbols.Count} symbols");
                }

                relocations.Add(new ElfRelocation(section.Name, at, symbol));
            }
        }

        return relocations;
    }
}

/// <summary>An ELF64 section header.</summary>
/// <param name="Index">Section number.</param>
/// <param name="Name">Name from the section header string table.</param>
/// <param name="Type"><c>sh_type</c>.</param>
/// <param name="Flags"><c>sh_flags</c>.</param>
/// <param name="Offset">File offset; 0 for <c>SHT_NOBITS</c> and section 0.</param>
/// <param name="Size">Size in the file; 0 for <c>SHT_NOBITS</c> and section 0.</param>
/// <param name="Link"><c>sh_link</c>.</param>
/// <param name="Info"><c>sh_info</c>.</param>
/// <param name="EntrySize"><c>sh_entsize</c>.</param>
public sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, long Offset, long Size, uint Link, uint Info, ulong EntrySize)
{
    /// <summary><c>SHT_RELA</c>.</summary>
    public const uint TypeRela = 4;

    /// <summary><c>SHT_NOBITS</c>.</summary>
    public const uint TypeNoBits = 8;

    /// <summary><c>SHT_REL</c>.</summary>
    public const uint TypeRel = 9;

    /// <summary><c>SHT_DYNSYM</c>.</summary>
    public const uint TypeDynamicSymbols = 11;

    /// <summary><c>SHT_GNU_verdef</c> (<c>.gnu.version_d</c>).</summary>
    public const uint TypeGnuVersionDefinitions = 0x6ffffffd;

    /// <summary><c>SHT_GNU_verneed</c> (<c>.gnu.version_r</c>).</summary>
    public const uint TypeGnuVersionNeeds = 0x6ffffffe;

    /// <summary><c>SHT_GNU_versym</c> (<c>.gnu.version</c>).</summary>
    public const uint TypeGnuVersionSymbols = 0x6fffffff;

    /// <summary><c>SHF_ALLOC</c>.</summary>
    public const ulong FlagAlloc = 2;

    /// <inheritdoc/>
    public override string ToString() => $"[{Index}] '{Name}'";
}

/// <summary>A <c>.dynsym</c> entry.</summary>
/// <param name="Index">Symbol number.</param>
/// <param name="Name">Symbol name.</param>
/// <param name="VersionIndex">Its <c>.gnu.version</c> index without the hidden bit; 0 without version information.</param>
public sealed record ElfSymbol(int Index, string Name, ushort VersionIndex);

/// <summary>A <c>Vernaux</c> entry: one version needed from one file.</summary>
/// <param name="FileName">The file it is needed from (<c>vn_file</c>).</param>
/// <param name="Name">The version (<c>vna_name</c>).</param>
/// <param name="Flags"><c>vna_flags</c>.</param>
/// <param name="VersionIndex"><c>vna_other</c>, the index <c>.gnu.version</c> binds symbols with.</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c>.</param>
public sealed record ElfVersionNeed(string FileName, string Name, ushort Flags, ushort VersionIndex, long FlagsOffset)
{
    /// <summary><c>VER_FLG_WEAK</c>: the loader only warns when the version is missing.</summary>
    public const ushort FlagWeak = 2;

    /// <summary>Whether <see cref="FlagWeak"/> is set.</summary>
    public bool IsWeak => (Flags & FlagWeak) != 0;
}

/// <summary>A relocation that refers to a dynamic symbol.</summary>
/// <param name="SectionName">The relocation section, e.g. <c>.rela.plt</c>.</param>
/// <param name="EntryOffset">File offset of the entry.</param>
/// <param name="SymbolIndex">The <c>.dynsym</c> index in <c>r_info</c>.</param>
public sealed record ElfRelocation(string SectionName, long EntryOffset, uint SymbolIndex);

/// <summary>The bytes are not a usable ELF64 little-endian shared library.</summary>
/// <param name="fileName">The file, or null for in-memory data.</param>
/// <param name="problem">What is wrong with it.</param>
/// <param name="length">Its length in bytes.</param>
public sealed class ElfFormatException(string? fileName, string problem, long length) : Exception(
    $"{(fileName == null ? "The in-memory ELF image" : "'" + fileName + "'")} ({length} bytes) is not a usable ELF64 little-endian shared library: {problem}. "
    + "If this file came from a NuGet package it is probably truncated or corrupted; delete the package folder from the NuGet global packages folder and restore again.")
{
    /// <summary>The file, or null for in-memory data.</summary>
    public string? FileName { get; } = fileName;
}
