namespace TorchTutorial.Native
{
    using System.Globalization;

    /// <summary>One entry of an ELF64 section header table (the fields this project needs).</summary>
    public sealed class ElfSection
    {
        /// <summary><c>SHT_RELA</c>: relocations with explicit addends.</summary>
        public const uint TypeRela = 4;

        /// <summary><c>SHT_NOBITS</c>: occupies no bytes in the file (e.g. <c>.bss</c>).</summary>
        public const uint TypeNoBits = 8;

        /// <summary><c>SHT_REL</c>: relocations without addends.</summary>
        public const uint TypeRel = 9;

        /// <summary><c>SHT_STRTAB</c>: a string table.</summary>
        public const uint TypeStringTable = 3;

        /// <summary><c>SHT_DYNSYM</c>: the dynamic symbol table (<c>.dynsym</c>).</summary>
        public const uint TypeDynamicSymbols = 11;

        /// <summary><c>SHT_GNU_verdef</c>: versions the object defines (<c>.gnu.version_d</c>).</summary>
        public const uint TypeGnuVersionDefinitions = 0x6ffffffd;

        /// <summary><c>SHT_GNU_verneed</c>: versions the object needs from its dependencies (<c>.gnu.version_r</c>).</summary>
        public const uint TypeGnuVersionNeeds = 0x6ffffffe;

        /// <summary><c>SHT_GNU_versym</c>: the version index of every <c>.dynsym</c> entry (<c>.gnu.version</c>).</summary>
        public const uint TypeGnuVersionSymbols = 0x6fffffff;

        /// <summary><c>SHF_ALLOC</c>: the section is loaded into memory at run time.</summary>
        public const ulong FlagAlloc = 0x2;

        internal ElfSection(int index, string name, uint type, ulong flags, long offset, long size, uint link, uint info, ulong entrySize)
        {
            Index = index;
            Name = name;
            Type = type;
            Flags = flags;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
            EntrySize = entrySize;
        }

        /// <summary>Position in the section header table.</summary>
        public int Index { get; }

        /// <summary>Name from the section header string table (empty when the file has none).</summary>
        public string Name { get; }

        /// <summary><c>sh_type</c>, e.g. <see cref="TypeGnuVersionNeeds"/>.</summary>
        public uint Type { get; }

        /// <summary><c>sh_flags</c>.</summary>
        public ulong Flags { get; }

        /// <summary><c>sh_offset</c>: file offset of the section's bytes (validated to lie inside the file).</summary>
        public long Offset { get; }

        /// <summary><c>sh_size</c> in bytes.</summary>
        public long Size { get; }

        /// <summary><c>sh_link</c>: index of the associated section (string table, symbol table).</summary>
        public uint Link { get; }

        /// <summary><c>sh_info</c>: extra information, e.g. the entry count of version sections.</summary>
        public uint Info { get; }

        /// <summary><c>sh_entsize</c>: size of one entry for table sections, otherwise 0.</summary>
        public ulong EntrySize { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return "[" + Index + "] " + (Name.Length == 0 ? "(unnamed)" : Name) + " type=0x" + Type.ToString("x", CultureInfo.InvariantCulture)
                + " offset=0x" + Offset.ToString("x", CultureInfo.InvariantCulture) + " size=0x" + Size.ToString("x", CultureInfo.InvariantCulture);
        }
    }
}
