namespace TorchTutorial.Native
{
    /// <summary>
    /// One <c>Elf64_Verdef</c> entry of <c>.gnu.version_d</c>: a symbol version a shared library defines
    /// (e.g. <c>GLIBCXX_3.4.30</c> in <c>libstdc++.so.6</c>).
    /// </summary>
    public sealed class ElfVersionDefinition
    {
        /// <summary><c>VER_FLG_BASE</c>: the entry names the object itself (its soname), not a version.</summary>
        public const ushort FlagBase = 0x1;

        internal ElfVersionDefinition(string name, ushort flags, ushort versionIndex)
        {
            Name = name;
            Flags = flags;
            VersionIndex = versionIndex;
        }

        /// <summary>The version name (first <c>Elf64_Verdaux</c> of the entry).</summary>
        public string Name { get; }

        /// <summary><c>vd_flags</c>.</summary>
        public ushort Flags { get; }

        /// <summary><c>vd_ndx</c>: the version index symbols of this object use for it.</summary>
        public ushort VersionIndex { get; }

        /// <summary>Whether this is the <see cref="FlagBase"/> entry naming the object itself.</summary>
        public bool IsBase
        {
            get { return (Flags & FlagBase) != 0; }
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return Name + " index=" + VersionIndex + (IsBase ? " (base)" : string.Empty);
        }
    }
}
