namespace TorchTutorial.Native
{
    using System.Globalization;

    /// <summary>
    /// One <c>Elf64_Vernaux</c> entry of <c>.gnu.version_r</c>: a version name (e.g. <c>GLIBCXX_3.4.32</c>) needed
    /// from a dependency, with its flags and the version index that <c>.gnu.version</c> uses for symbols bound to it.
    /// </summary>
    public sealed class ElfVersionNeedEntry
    {
        /// <summary><c>VER_FLG_WEAK</c>: the dynamic loader tolerates a dependency that does not define this version.</summary>
        public const ushort FlagWeak = 0x2;

        internal ElfVersionNeedEntry(string name, uint hash, ushort flags, ushort versionIndex, long flagsOffset)
        {
            Name = name;
            Hash = hash;
            Flags = flags;
            VersionIndex = versionIndex;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Name { get; }

        /// <summary><c>vna_hash</c>: the ELF hash of <see cref="Name"/>.</summary>
        public uint Hash { get; }

        /// <summary><c>vna_flags</c>.</summary>
        public ushort Flags { get; }

        /// <summary><c>vna_other</c>: the index <c>.gnu.version</c> entries use to bind symbols to this version.</summary>
        public ushort VersionIndex { get; }

        /// <summary>File offset of the 2-byte little-endian <c>vna_flags</c> field.</summary>
        public long FlagsOffset { get; }

        /// <summary>Whether <see cref="FlagWeak"/> is set.</summary>
        public bool IsWeak
        {
            get { return (Flags & FlagWeak) != 0; }
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return Name + " flags=0x" + Flags.ToString("x", CultureInfo.InvariantCulture) + " index=" + VersionIndex;
        }
    }
}
