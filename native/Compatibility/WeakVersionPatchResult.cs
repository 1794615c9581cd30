namespace TorchTutorial.Native
{
    using System.Collections.Generic;

    /// <summary>The result of <see cref="GlibcxxWeakVersionPatcher.Patch"/>.</summary>
    public sealed class WeakVersionPatchResult
    {
        internal WeakVersionPatchResult(
            WeakVersionPatchOutcome outcome,
            byte[] data,
            string neededFileName,
            string versionName,
            IReadOnlyList<long> flagsOffsets,
            IReadOnlyList<string> boundSymbols)
        {
            Outcome = outcome;
            Data = data;
            NeededFileName = neededFileName;
            VersionName = versionName;
            FlagsOffsets = flagsOffsets;
            BoundSymbols = boundSymbols;
        }

        /// <summary>What was done.</summary>
        public WeakVersionPatchOutcome Outcome { get; }

        /// <summary>
        /// The bytes to use: a new array for <see cref="WeakVersionPatchOutcome.Patched"/>, otherwise the input array itself.
        /// </summary>
        public byte[] Data { get; }

        /// <summary>The dependency the version is needed from, e.g. <c>libstdc++.so.6</c>.</summary>
        public string NeededFileName { get; }

        /// <summary>The version, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string VersionName { get; }

        /// <summary>
        /// File offsets of the 2-byte <c>vna_flags</c> fields of the matching entries (empty for
        /// <see cref="WeakVersionPatchOutcome.NotNeeded"/>); for <see cref="WeakVersionPatchOutcome.Patched"/>
        /// these are the only bytes that differ from the input.
        /// </summary>
        public IReadOnlyList<long> FlagsOffsets { get; }

        /// <summary>Names of the <c>.dynsym</c> symbols bound to the version (none of them is used by a relocation).</summary>
        public IReadOnlyList<string> BoundSymbols { get; }

        /// <summary>Whether <see cref="Data"/> differs from the input.</summary>
        public bool Changed
        {
            get { return Outcome == WeakVersionPatchOutcome.Patched; }
        }
    }
}
