namespace TorchTutorial.Native
{
    using System.Globalization;

    /// <summary>One relocation of a <c>SHT_RELA</c>/<c>SHT_REL</c> section whose symbols come from <c>.dynsym</c>.</summary>
    public sealed class ElfRelocation
    {
        internal ElfRelocation(string sectionName, long entryOffset, ulong address, uint symbolIndex, uint type)
        {
            SectionName = sectionName;
            EntryOffset = entryOffset;
            Address = address;
            SymbolIndex = symbolIndex;
            Type = type;
        }

        /// <summary>Name of the relocation section, e.g. <c>.rela.plt</c>.</summary>
        public string SectionName { get; }

        /// <summary>File offset of the relocation entry itself.</summary>
        public long EntryOffset { get; }

        /// <summary><c>r_offset</c>: the address the relocation patches.</summary>
        public ulong Address { get; }

        /// <summary>The <c>.dynsym</c> index in <c>r_info &gt;&gt; 32</c>; 0 means no symbol.</summary>
        public uint SymbolIndex { get; }

        /// <summary>The machine-specific relocation type in <c>r_info &amp; 0xffffffff</c>.</summary>
        public uint Type { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return SectionName + "@0x" + EntryOffset.ToString("x", CultureInfo.InvariantCulture) + " sym=" + SymbolIndex + " type=" + Type;
        }
    }
}
