namespace TorchTutorial.Native
{
    using System;
    using System.Collections.Generic;

    /// <summary>
    /// Makes an ELF shared library loadable by a <c>libstdc++.so.6</c> that lacks one symbol version it asks for,
    /// by setting <c>VER_FLG_WEAK</c> on that version need, after proving no dynamic relocation depends on it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> was linked with GCC 13, which records a need for
    /// <c>GLIBCXX_3.4.32</c> because of one undefined symbol, <c>std::ios_base_library_init()</c>
    /// (<c>_ZSt21ios_base_library_initv</c>). No relocation refers to that symbol, so nothing is ever looked up at
    /// that version, but glibc's loader still refuses the library on hosts whose libstdc++ stops at
    /// <c>GLIBCXX_3.4.30</c>/<c>3.4.31</c> (Debian 12, Ubuntu 22.04). A weak need is reported at most as a
    /// warning, so the patched library loads; on hosts that define the version the flag changes nothing.
    /// </para>
    /// </remarks>
    public static class GlibcxxWeakVersionPatcher
    {
        /// <summary>The soname of the GNU C++ standard library.</summary>
        public const string LibStdCxxFileName = "libstdc++.so.6";

        /// <summary>The version TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> needs and Debian 12 lacks.</summary>
        public const string RequiredVersion = "GLIBCXX_3.4.32";

        /// <summary>Reads the names of the symbol versions a shared library defines (<c>.gnu.version_d</c>).</summary>
        /// <param name="elf">The library's bytes, e.g. of the host's <c>libstdc++.so.6</c>.</param>
        /// <param name="fileName">The file the bytes came from, for error messages.</param>
        /// <returns>The defined version names (the base entry naming the file itself is left out); empty when none.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="elf"/> is <see langword="null"/>.</exception>
        /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 little-endian file.</exception>
        public static ISet<string> ReadDefinedVersions(byte[] elf, string? fileName = null)
        {
            ElfImage image = ElfImage.Parse(elf, fileName);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (ElfVersionDefinition definition in image.VersionDefinitions)
            {
                if (!definition.IsBase)
                {
                    names.Add(definition.Name);
                }
            }

            return names;
        }

        /// <summary>
        /// Returns <paramref name="library"/> with its need for <paramref name="versionName"/> from
        /// <paramref name="neededFileName"/> marked weak, or says why nothing had to change.
        /// </summary>
        /// <param name="library">The shared library's bytes; never modified.</param>
        /// <param name="neededFileName">The dependency, e.g. <see cref="LibStdCxxFileName"/>.</param>
        /// <param name="versionName">The version, e.g. <see cref="RequiredVersion"/>.</param>
        /// <param name="fileName">The file the bytes came from, for messages.</param>
        /// <returns>
        /// <see cref="WeakVersionPatchOutcome.NotNeeded"/> or <see cref="WeakVersionPatchOutcome.AlreadyWeak"/> with
        /// the input array, or <see cref="WeakVersionPatchOutcome.Patched"/> with a new array that differs from the
        /// input only in the <c>vna_flags</c> field(s) of the matching entry.
        /// </returns>
        /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
        /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 little-endian file.</exception>
        /// <exception cref="WeakVersionPatchRefusedException">
        /// A dynamic relocation uses a symbol bound to the version, so the library cannot be made to load safely.
        /// </exception>
        public static WeakVersionPatchResult Patch(byte[] library, string neededFileName, string versionName, string? fileName = null)
        {
            if (library == null)
            {
                throw new ArgumentNullException(nameof(library));
            }

            if (neededFileName == null)
            {
                throw new ArgumentNullException(nameof(neededFileName));
            }

            if (versionName == null)
            {
                throw new ArgumentNullException(nameof(versionName));
            }

            ElfImage image = ElfImage.Parse(library, fileName);
            var matches = new List<ElfVersionNeedEntry>();
            foreach (ElfVersionNeed need in image.VersionNeeds)
            {
                if (!string.Equals(need.FileName, neededFileName, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (ElfVersionNeedEntry entry in need.Versions)
                {
                    if (string.Equals(entry.Name, versionName, StringComparison.Ordinal))
                    {
                        matches.Add(entry);
                    }
                }
            }

            var offsets = new List<long>();
            var indexes = new HashSet<ushort>();
            bool allWeak = true;
            foreach (ElfVersionNeedEntry entry in matches)
            {
                offsets.Add(entry.FlagsOffset);
                indexes.Add(entry.VersionIndex);
                allWeak &= entry.IsWeak;
            }

            var bound = new List<string>();
            foreach (ElfSymbol symbol in image.DynamicSymbols)
            {
                if (indexes.Contains(symbol.VersionIndex))
                {
                    bound.Add(symbol.Name);
                }
            }

            if (matches.Count == 0)
            {
                return new WeakVersionPatchResult(WeakVersionPatchOutcome.NotNeeded, library, neededFileName, versionName, offsets, bound);
            }

            if (allWeak)
            {
                return new WeakVersionPatchResult(WeakVersionPatchOutcome.AlreadyWeak, library, neededFileName, versionName, offsets, bound);
            }

            EnsureNoRelocationUses(image, indexes, versionName, neededFileName);

            var patched = (byte[])library.Clone();
            foreach (ElfVersionNeedEntry entry in matches)
            {
                ushort flags = (ushort)(entry.Flags | ElfVersionNeedEntry.FlagWeak);
                patched[entry.FlagsOffset] = (byte)(flags & 0xff);
                patched[entry.FlagsOffset + 1] = (byte)(flags >> 8);
            }

            VerifyPatched(patched, fileName, neededFileName, versionName);
            return new WeakVersionPatchResult(WeakVersionPatchOutcome.Patched, patched, neededFileName, versionName, offsets, bound);
        }

        private static void EnsureNoRelocationUses(ElfImage image, HashSet<ushort> versionIndexes, string versionName, string neededFileName)
        {
            foreach (ElfRelocation relocation in image.DynamicRelocations)
            {
                if (relocation.SymbolIndex == 0)
                {
                    continue;
                }

                ElfSymbol symbol = image.DynamicSymbols[(int)relocation.SymbolIndex];
                if (versionIndexes.Contains(symbol.VersionIndex))
                {
                    throw new WeakVersionPatchRefusedException(image.FileName, symbol.Name, versionName, neededFileName, relocation.SectionName);
                }
            }
        }

        private static void VerifyPatched(byte[] patched, string? fileName, string neededFileName, string versionName)
        {
            ElfImage reparsed = ElfImage.Parse(patched, fileName);
            foreach (ElfVersionNeed need in reparsed.VersionNeeds)
            {
                if (!string.Equals(need.FileName, neededFileName, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (ElfVersionNeedEntry entry in need.Versions)
                {
                    if (string.Equals(entry.Name, versionName, StringComparison.Ordinal) && !entry.IsWeak)
                    {
                        throw new InvalidOperationException("Internal error: after patching, the " + versionName + " need of "
                            + (fileName ?? "the library") + " is still not weak.");
                    }
                }
            }
        }
    }
}
