namespace TorchTutorial.Native
{
    /// <summary>One <c>.dynsym</c> entry with the version index <c>.gnu.version</c> assigns to it.</summary>
    public sealed class ElfSymbol
    {
        internal ElfSymbol(int index, string name, bool isDefined, ushort versionIndex)
        {
            Index = index;
            Name = name;
            IsDefined = isDefined;
            VersionIndex = versionIndex;
        }

        /// <summary>Position in <c>.dynsym</c>; relocations refer to symbols by this index.</summary>
        public int Index { get; }

        /// <summary>The (mangled) symbol name, e.g. <c>_ZSt21ios_base_library_initv</c>.</summary>
        public string Name { get; }

        /// <summary>Whether the object defines the symbol (<c>st_shndx != SHN_UNDEF</c>).</summary>
        public bool IsDefined { get; }

        /// <summary>
        /// The symbol's version index from <c>.gnu.version</c> with the hidden bit removed (<c>versym &amp; 0x7fff</c>);
        /// 0 or 1 for unversioned symbols, or when the object has no <c>.gnu.version</c> section.
        /// </summary>
        public ushort VersionIndex { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return "[" + Index + "] " + Name + " version=" + VersionIndex + (IsDefined ? string.Empty : " (undefined)");
        }
    }
}
