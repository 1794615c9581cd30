namespace TorchTutorial.Native
{
    using System;
    using System.Collections.Generic;
    using System.Globalization;
    using System.Text;

    /// <summary>
    /// A read-only, bounds-checked view of an ELF64 little-endian file: its section headers, dynamic symbols with
    /// their versions, version needs and definitions, and the relocations that refer to dynamic symbols.
    /// Every offset is validated; malformed input raises <see cref="ElfFormatException"/>, never an index error.
    /// </summary>
    public sealed class ElfImage
    {
        private const int HeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int SymbolSize = 24;
        private const int RelaSize = 24;
        private const int RelSize = 16;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;
        private const ushort SectionIndexExtended = 0xffff;

        private readonly byte[] _data;
        private readonly string? _fileName;

        private ElfImage(byte[] data, string? fileName)
        {
            _data = data;
            _fileName = fileName;
            Sections = ReadSections();
            ElfSection? dynamicSymbolSection = FindFirst(ElfSection.TypeDynamicSymbols);
            DynamicSymbols = dynamicSymbolSection == null ? Array.Empty<ElfSymbol>() : ReadDynamicSymbols(dynamicSymbolSection);
            VersionNeeds = ReadVersionNeeds();
            VersionDefinitions = ReadVersionDefinitions();
            DynamicRelocations = dynamicSymbolSection == null ? Array.Empty<ElfRelocation>() : ReadDynamicRelocations(dynamicSymbolSection);
        }

        /// <summary>The file the bytes came from, when the caller named one (used in error messages).</summary>
        public string? FileName
        {
            get { return _fileName; }
        }

        /// <summary>Size of the parsed data in bytes.</summary>
        public int Length
        {
            get { return _data.Length; }
        }

        /// <summary>All section headers, indexed by section number.</summary>
        public IReadOnlyList<ElfSection> Sections { get; }

        /// <summary>The <c>.dynsym</c> entries (empty when the file has no dynamic symbol table).</summary>
        public IReadOnlyList<ElfSymbol> DynamicSymbols { get; }

        /// <summary>The <c>.gnu.version_r</c> entries (empty when the file needs no symbol versions).</summary>
        public IReadOnlyList<ElfVersionNeed> VersionNeeds { get; }

        /// <summary>The <c>.gnu.version_d</c> entries (empty when the file defines no symbol versions).</summary>
        public IReadOnlyList<ElfVersionDefinition> VersionDefinitions { get; }

        /// <summary>
        /// Relocations of every <c>SHT_RELA</c>/<c>SHT_REL</c> section that takes its symbols from <c>.dynsym</c>
        /// (linked to it, or loaded and unlinked, in which case the dynamic loader uses <c>DT_SYMTAB</c> = <c>.dynsym</c>).
        /// </summary>
        public IReadOnlyList<ElfRelocation> DynamicRelocations { get; }

        /// <summary>Parses <paramref name="data"/> as an ELF64 little-endian file.</summary>
        /// <param name="data">The complete file contents.</param>
        /// <param name="fileName">The file the bytes came from, for error messages; <see langword="null"/> for in-memory data.</param>
        /// <returns>The parsed view; it keeps a reference to <paramref name="data"/>, which must not change afterwards.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
        /// <exception cref="ElfFormatException">The data is not a well-formed ELF64 little-endian file.</exception>
        public static ElfImage Parse(byte[] data, string? fileName = null)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            return new ElfImage(data, fileName);
        }

        /// <summary>Reads a 2-byte little-endian value at <paramref name="offset"/>, bounds-checked.</summary>
        /// <param name="offset">File offset.</param>
        /// <param name="what">What is being read, for the error message.</param>
        /// <returns>The value.</returns>
        /// <exception cref="ElfFormatException">The value lies outside the file.</exception>
        public ushort ReadUInt16(long offset, string what)
        {
            int at = CheckRange(offset, 2, what);
            return (ushort)(_data[at] | (_data[at + 1] << 8));
        }

        /// <summary>Reads a 4-byte little-endian value at <paramref name="offset"/>, bounds-checked.</summary>
        /// <param name="offset">File offset.</param>
        /// <param name="what">What is being read, for the error message.</param>
        /// <returns>The value.</returns>
        /// <exception cref="ElfFormatException">The value lies outside the file.</exception>
        public uint ReadUInt32(long offset, string what)
        {
            int at = CheckRange(offset, 4, what);
            return (uint)_data[at] | ((uint)_data[at + 1] << 8) | ((uint)_data[at + 2] << 16) | ((uint)_data[at + 3] << 24);
        }

        /// <summary>Reads an 8-byte little-endian value at <paramref name="offset"/>, bounds-checked.</summary>
        /// <param name="offset">File offset.</param>
        /// <param name="what">What is being read, for the error message.</param>
        /// <returns>The value.</returns>
        /// <exception cref="ElfFormatException">The value lies outside the file.</exception>
        public ulong ReadUInt64(long offset, string what)
        {
            CheckRange(offset, 8, what);
            return ReadUInt32(offset, what) | ((ulong)ReadUInt32(offset + 4, what) << 32);
        }

        internal ElfFormatException Error(string problem)
        {
            return new ElfFormatException(_fileName, problem, _data.Length);
        }

        private static string Hex(ulong value)
        {
            return "0x" + value.ToString("x", CultureInfo.InvariantCulture);
        }

        private int CheckRange(long offset, long size, string what)
        {
            if (offset < 0 || size < 0 || offset > _data.Length || size > _data.Length - offset)
            {
                throw Error(what + " (offset " + Hex((ulong)offset) + ", " + size + " bytes) lies outside the file");
            }

            return (int)offset;
        }

        private ElfSection? FindFirst(uint type)
        {
            foreach (ElfSection section in Sections)
            {
                if (section.Type == type)
                {
                    return section;
                }
            }

            return null;
        }

        private ElfSection GetLinkedSection(ElfSection owner, string purpose)
        {
            if (owner.Link == 0 || owner.Link >= (uint)Sections.Count)
            {
                throw Error("section " + Describe(owner) + " links to section " + owner.Link + " for its " + purpose
                    + ", but the file has sections 1.." + (Sections.Count - 1));
            }

            return Sections[(int)owner.Link];
        }

        private static string Describe(ElfSection section)
        {
            return "[" + section.Index + "] '" + section.Name + "'";
        }

        private List<ElfSection> ReadSections()
        {
            if (_data.Length < HeaderSize)
            {
                throw Error("it is shorter than the 64-byte ELF64 header");
            }

            if (_data[0] != 0x7f || _data[1] != (byte)'E' || _data[2] != (byte)'L' || _data[3] != (byte)'F')
            {
                throw Error("it does not start with the ELF magic bytes 7F 45 4C 46 (found "
                    + _data[0].ToString("X2", CultureInfo.InvariantCulture) + " " + _data[1].ToString("X2", CultureInfo.InvariantCulture) + " " + _data[2].ToString("X2", CultureInfo.InvariantCulture) + " "
                    + _data[3].ToString("X2", CultureInfo.InvariantCulture) + "), so it is not an ELF file at all");
            }

            if (_data[4] != 2)
            {
                throw Error("its EI_CLASS is " + _data[4] + " (1 = 32-bit); only 64-bit ELF (EI_CLASS 2) is supported");
            }

            if (_data[5] != 1)
            {
                throw Error("its EI_DATA is " + _data[5] + " (2 = big-endian); only little-endian ELF (EI_DATA 1) is supported");
            }

            ulong tableOffset = ReadUInt64(0x28, "e_shoff");
            ushort entrySize = ReadUInt16(0x3a, "e_shentsize");
            ulong count = ReadUInt16(0x3c, "e_shnum");
            uint nameTableIndex = ReadUInt16(0x3e, "e_shstrndx");
            if (tableOffset == 0)
            {
                throw Error("it has no section header table (e_shoff is 0), so its version sections cannot be located");
            }

            if (entrySize != SectionHeaderSize)
            {
                throw Error("its section header entry size (e_shentsize) is " + entrySize + ", not " + SectionHeaderSize);
            }

            if (tableOffset > (ulong)_data.Length)
            {
                throw Error("its section header table starts at " + Hex(tableOffset) + ", past the end of the file");
            }

            if (count == 0)
            {
                // Extended numbering: the real count is in section 0's sh_size.
                count = ReadUInt64((long)tableOffset + 32, "section 0 sh_size (extended section count)");
            }

            if (nameTableIndex == SectionIndexExtended)
            {
                nameTableIndex = ReadUInt32((long)tableOffset + 40, "section 0 sh_link (extended e_shstrndx)");
            }

            if (count > (ulong)(_data.Length - (long)tableOffset) / SectionHeaderSize)
            {
                throw Error("its section header table (offset " + Hex(tableOffset) + ", " + count + " entries of "
                    + SectionHeaderSize + " bytes) extends past the end of the file");
            }

            var unnamed = new List<ElfSection>((int)count);
            var nameOffsets = new uint[(int)count];
            for (int i = 0; i < (int)count; i++)
            {
                long at = (long)tableOffset + ((long)i * SectionHeaderSize);
                string label = "section header " + i;
                nameOffsets[i] = ReadUInt32(at, label);
                uint type = ReadUInt32(at + 4, label);
                ulong offset = ReadUInt64(at + 24, label);
                ulong size = ReadUInt64(at + 32, label);
                bool inFile = i != 0 && type != ElfSection.TypeNoBits;
                if (inFile && size != 0 && (offset > (ulong)_data.Length || size > (ulong)_data.Length - offset))
                {
                    throw Error("section " + i + " (offset " + Hex(offset) + ", size " + Hex(size)
                        + ") extends past the end of the file");
                }

                unnamed.Add(new ElfSection(
                    i,
                    string.Empty,
                    type,
                    ReadUInt64(at + 8, label),
                    inFile ? (long)offset : 0,
                    inFile ? (long)size : 0,
                    ReadUInt32(at + 40, label),
                    ReadUInt32(at + 44, label),
                    ReadUInt64(at + 56, label)));
            }

            // Second pass: resolve names now that the section header string table is known.
            ElfSection? names = nameTableIndex != 0 && nameTableIndex < (uint)unnamed.Count ? unnamed[(int)nameTableIndex] : null;
            var sections = new List<ElfSection>(unnamed.Count);
            foreach (ElfSection section in unnamed)
            {
                string name = names == null || section.Index == 0
                    ? string.Empty
                    : ReadString(names, nameOffsets[section.Index], "name of section " + section.Index);
                sections.Add(new ElfSection(section.Index, name, section.Type, section.Flags, section.Offset, section.Size,
                    section.Link, section.Info, section.EntrySize));
            }

            return sections;
        }

        private string ReadString(ElfSection table, uint offset, string what)
        {
            if (table.Type == ElfSection.TypeNoBits || offset >= table.Size)
            {
                throw Error(what + ": string offset " + Hex(offset) + " lies outside string table " + Describe(table)
                    + " (" + table.Size + " bytes)");
            }

            long start = table.Offset + offset;
            long end = table.Offset + table.Size;
            for (long i = start; i < end; i++)
            {
                if (_data[i] == 0)
                {
                    return Encoding.UTF8.GetString(_data, (int)start, (int)(i - start));
                }
            }

            throw Error(what + ": the string at offset " + Hex(offset) + " of string table " + Describe(table)
                + " has no terminating NUL byte");
        }

        private void CheckEntrySize(ElfSection section, int expected)
        {
            if (section.EntrySize != 0 && section.EntrySize != (ulong)expected)
            {
                throw Error("section " + Describe(section) + " has entry size " + section.EntrySize + ", expected " + expected);
            }
        }

        private List<ElfSymbol> ReadDynamicSymbols(ElfSection symbolSection)
        {
            CheckEntrySize(symbolSection, SymbolSize);
            ElfSection strings = GetLinkedSection(symbolSection, "symbol names");
            int count = (int)(symbolSection.Size / SymbolSize);

            ushort[]? versions = null;
            ElfSection? versionSection = FindFirst(ElfSection.TypeGnuVersionSymbols);
            if (versionSection != null)
            {
                CheckEntrySize(versionSection, 2);
                if (versionSection.Size / 2 < count)
                {
                    throw Error("section " + Describe(versionSection) + " holds " + (versionSection.Size / 2)
                        + " version indexes but .dynsym has " + count + " symbols");
                }

                versions = new ushort[count];
                for (int i = 0; i < count; i++)
                {
                    versions[i] = (ushort)(ReadUInt16(versionSection.Offset + (2L * i), "version index of symbol " + i) & 0x7fff);
                }
            }

            var symbols = new List<ElfSymbol>(count);
            for (int i = 0; i < count; i++)
            {
                long at = symbolSection.Offset + ((long)i * SymbolSize);
                string label = "dynamic symbol " + i;
                uint nameOffset = ReadUInt32(at, label);
                ushort sectionIndex = ReadUInt16(at + 6, label);
                string name = i == 0 && nameOffset == 0 ? string.Empty : ReadString(strings, nameOffset, "name of " + label);
                symbols.Add(new ElfSymbol(i, name, sectionIndex != 0, versions == null ? (ushort)0 : versions[i]));
            }

            return symbols;
        }

        private List<ElfVersionNeed> ReadVersionNeeds()
        {
            var needs = new List<ElfVersionNeed>();
            ElfSection? section = FindFirst(ElfSection.TypeGnuVersionNeeds);
            if (section == null)
            {
                return needs;
            }

            ElfSection strings = GetLinkedSection(section, "version names");
            long maxEntries = section.Size / VerneedSize;
            long entryCount = section.Info != 0 ? section.Info : maxEntries;
            long at = section.Offset;
            for (long n = 0; n < entryCount; n++)
            {
                string label = "version need entry " + n + " of " + Describe(section);
                CheckInside(section, at, VerneedSize, label);
                ushort auxCount = ReadUInt16(at + 2, label);
                string file = ReadString(strings, ReadUInt32(at + 4, label), "file name of " + label);
                uint auxOffset = ReadUInt32(at + 8, label);
                uint next = ReadUInt32(at + 12, label);

                var versions = new List<ElfVersionNeedEntry>(auxCount);
                long auxAt = at + auxOffset;
                for (int k = 0; k < auxCount; k++)
                {
                    string auxLabel = "version " + k + " needed from " + file;
                    CheckInside(section, auxAt, VernauxSize, auxLabel);
                    uint hash = ReadUInt32(auxAt, auxLabel);
                    ushort flags = ReadUInt16(auxAt + 4, auxLabel);
                    ushort index = ReadUInt16(auxAt + 6, auxLabel);
                    string name = ReadString(strings, ReadUInt32(auxAt + 8, auxLabel), "name of " + auxLabel);
                    versions.Add(new ElfVersionNeedEntry(name, hash, flags, (ushort)(index & 0x7fff), auxAt + 4));
                    uint auxNext = ReadUInt32(auxAt + 12, auxLabel);
                    if (auxNext == 0)
                    {
                        break;
                    }

                    auxAt += auxNext;
                }

                needs.Add(new ElfVersionNeed(file, versions));
                if (next == 0)
                {
                    break;
                }

                at += next;
                if (n + 1 >= maxEntries)
                {
                    throw Error(Describe(section) + " chains more version need entries than fit in it");
                }
            }

            return needs;
        }

        private List<ElfVersionDefinition> ReadVersionDefinitions()
        {
            var definitions = new List<ElfVersionDefinition>();
            ElfSection? section = FindFirst(ElfSection.TypeGnuVersionDefinitions);
            if (section == null)
            {
                return definitions;
            }

            ElfSection strings = GetLinkedSection(section, "version names");
            long maxEntries = section.Size / VerdefSize;
            long entryCount = section.Info != 0 ? section.Info : maxEntries;
            long at = section.Offset;
            for (long n = 0; n < entryCount; n++)
            {
                string label = "version definition " + n + " of " + Describe(section);
                CheckInside(section, at, VerdefSize, label);
                ushort flags = ReadUInt16(at + 2, label);
                ushort index = ReadUInt16(at + 4, label);
                ushort auxCount = ReadUInt16(at + 6, label);
                uint auxOffset = ReadUInt32(at + 12, label);
                uint next = ReadUInt32(at + 16, label);
                if (auxCount > 0)
                {
                    // The first Verdaux names the version; any further ones name its parents.
                    long auxAt = at + auxOffset;
                    CheckInside(section, auxAt, VerdauxSize, "name entry of " + label);
                    string name = ReadString(strings, ReadUInt32(auxAt, label), "name of " + label);
                    definitions.Add(new ElfVersionDefinition(name, flags, (ushort)(index & 0x7fff)));
                }

                if (next == 0)
                {
                    break;
                }

                at += next;
                if (n + 1 >= maxEntries)
                {
                    throw Error(Describe(section) + " chains more version definitions than fit in it");
                }
            }

            return definitions;
        }

        private void CheckInside(ElfSection section, long offset, int size, string what)
        {
            if (offset < section.Offset || offset > section.Offset + section.Size - size)
            {
                throw Error(what + " (offset " + Hex((ulong)offset) + ") lies outside its section " + Describe(section)
                    + " (offset " + Hex((ulong)section.Offset) + ", size " + Hex((ulong)section.Size) + ")");
            }
        }

        private List<ElfRelocation> ReadDynamicRelocations(ElfSection symbolSection)
        {
            var relocations = new List<ElfRelocation>();
            foreach (ElfSection section in Sections)
            {
                bool isRela = section.Type == ElfSection.TypeRela;
                if (!isRela && section.Type != ElfSection.TypeRel)
                {
                    continue;
                }

                bool usesDynamicSymbols = section.Link == (uint)symbolSection.Index
                    || (section.Link == 0 && (section.Flags & ElfSection.FlagAlloc) != 0);
                if (!usesDynamicSymbols)
                {
                    continue;
                }

                int entrySize = isRela ? RelaSize : RelSize;
                CheckEntrySize(section, entrySize);
                long count = section.Size / entrySize;
                for (long i = 0; i < count; i++)
                {
                    long at = section.Offset + (i * entrySize);
                    string label = "relocation " + i + " of " + Describe(section);
                    ulong info = ReadUInt64(at + 8, label);
                    uint symbol = (uint)(info >> 32);
                    if (symbol >= (uint)DynamicSymbols.Count)
                    {
                        throw Error(label + " refers to symbol " + symbol + ", but .dynsym has " + DynamicSymbols.Count + " symbols");
                    }

                    relocations.Add(new ElfRelocation(section.Name, at, ReadUInt64(at, label), symbol, (uint)(info & 0xffffffff)));
                }
            }

            return relocations;
        }
    }
}
