namespace TorchTutorial.Native
{
    using System.Collections.Generic;

    /// <summary>
    /// One <c>Elf64_Verneed</c> entry of <c>.gnu.version_r</c>: a dependency (e.g. <c>libstdc++.so.6</c>) and the
    /// symbol versions the object needs from it.
    /// </summary>
    public sealed class ElfVersionNeed
    {
        internal ElfVersionNeed(string fileName, IReadOnlyList<ElfVersionNeedEntry> versions)
        {
            FileName = fileName;
            Versions = versions;
        }

        /// <summary>The dependency's file name (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</summary>
        public string FileName { get; }

        /// <summary>The needed versions (<c>Elf64_Vernaux</c> entries), in file order.</summary>
        public IReadOnlyList<ElfVersionNeedEntry> Versions { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return FileName + " (" + Versions.Count + " versions)";
        }
    }
}
