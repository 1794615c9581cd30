using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchTutorial.Native;

/// <summary>
/// Makes an ELF shared library loadable by a <c>libstdc++.so.6</c> that lacks one symbol version it asks for, by setting
/// <c>VER_FLG_WEAK</c> on that version need, after checking that no dynamic relocation uses a symbol of that version.
/// </summary>
/// <remarks>
/// TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> was linked with GCC 13, which records a need for <c>GLIBCXX_3.4.32</c>
/// because of one undefined symbol, <c>std::ios_base_library_init()</c>, that no relocation refers to. glibc's loader
/// still refuses the library where libstdc++ stops at <c>GLIBCXX_3.4.30</c>/<c>3.4.31</c> (Debian 12, Ubuntu 22.04),
/// unless the need is weak; where the version exists the flag changes nothing.
/// </remarks>
public static class GlibcxxWeakVersionPatcher
{
    /// <summary>The soname of the GNU C++ standard library.</summary>
    public const string LibStdCxxFileName = "libstdc++.so.6";

    /// <summary>The version TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> needs and Debian 12 lacks.</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    /// <summary>Reads the names of the symbol versions a shared library defines (<c>.gnu.version_d</c>, without the base entry).</summary>
    /// <param name="elf">The library's bytes, e.g. of the host's <c>libstdc++.so.6</c>.</param>
    /// <param name="fileName">The file the bytes came from, for error messages.</param>
    /// <returns>The defined version names; empty when none.</returns>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 little-endian file.</exception>
    public static ISet<string> ReadDefinedVersions(byte[] elf, string? fileName = null) => ElfImage.Parse(elf, fileName).DefinedVersions;

    /// <summary>Returns <paramref name="library"/> with its need for <paramref name="versionName"/> from <paramref name="neededFileName"/> marked weak.</summary>
    /// <param name="library">The shared library's bytes; never modified.</param>
    /// <param name="neededFileName">The dependency, e.g. <see cref="LibStdCxxFileName"/>.</param>
    /// <param name="versionName">The version, e.g. <see cref="RequiredVersion"/>.</param>
    /// <param name="fileName">The file the bytes came from, for messages.</param>
    /// <returns>
    /// <see cref="WeakVersionPatchOutcome.NotNeeded"/> or <see cref="WeakVersionPatchOutcome.AlreadyWeak"/> with the input
    /// array, or <see cref="WeakVersionPatchOutcome.Patched"/> with a copy that differs only in the entry's <c>vna_flags</c>.
    /// </returns>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 little-endian file.</exception>
    /// <exception cref="WeakVersionPatchRefusedException">A dynamic relocation uses a symbol bound to the version.</exception>
    public static WeakVersionPatchResult Patch(byte[] library, string neededFileName, string versionName, string? fileName = null)
    {
        ElfImage image = ElfImage.Parse(library, fileName);
        List<ElfVersionNeed> matches = image.VersionNeeds.FindAll(n => n.FileName == neededFileName && n.Name == versionName);
        var indexes = new HashSet<ushort>(matches.Select(m => m.VersionIndex));
        List<string> bound = image.DynamicSymbols.Where(s => indexes.Contains(s.VersionIndex)).Select(s => s.Name).ToList();
        List<long> offsets = matches.ConvertAll(m => m.FlagsOffset);
        if (matches.Count == 0 || matches.TrueForAll(m => m.IsWeak))
        {
            return new WeakVersionPatchResult(matches.Count == 0 ? WeakVersionPatchOutcome.NotNeeded : WeakVersionPatchOutcome.AlreadyWeak, library, offsets, bound);
        }

        foreach (ElfRelocation relocation in image.DynamicRelocations)
        {
            ElfSymbol symbol = image.DynamicSymbols[(int)relocation.SymbolIndex];
            if (relocation.SymbolIndex != 0 && indexes.Contains(symbol.VersionIndex))
            {
                throw new WeakVersionPatchRefusedException(
                    $"{(fileName == null ? "The library" : "'" + fileName + "'")} cannot be made to load safely with a {neededFileName} that lacks {versionName}: "
                    + $"its dynamic relocation section {relocation.SectionName} uses symbol '{symbol.Name}', which is bound to {versionName}, so marking "
                    + $"that version need weak would leave the symbol unresolved at run time. Install a libstdc++ that provides {versionName} (GCC 13 or newer), "
                    + "or use a TorchSharp build made for this distribution.",
                    symbol.Name);
            }
        }

        var patched = (byte[])library.Clone();
        foreach (ElfVersionNeed match in matches)
        {
            patched[match.FlagsOffset] |= (byte)ElfVersionNeed.FlagWeak;
        }

        return new WeakVersionPatchResult(WeakVersionPatchOutcome.Patched, patched, offsets, bound);
    }
}

/// <summary>What <see cref="GlibcxxWeakVersionPatcher.Patch"/> did.</summary>
public enum WeakVersionPatchOutcome
{
    /// <summary>The library does not need that version from that file.</summary>
    NotNeeded,

    /// <summary>Every matching need already carries <c>VER_FLG_WEAK</c>.</summary>
    AlreadyWeak,

    /// <summary>The need was marked weak in a copy.</summary>
    Patched,
}

/// <summary>The result of <see cref="GlibcxxWeakVersionPatcher.Patch"/>.</summary>
/// <param name="Outcome">What was done.</param>
/// <param name="Data">The library to use: a patched copy, or the input array itself.</param>
/// <param name="FlagsOffsets">File offsets of the matching entries' <c>vna_flags</c>.</param>
/// <param name="BoundSymbols">The dynamic symbols bound to the version.</param>
public sealed record WeakVersionPatchResult(WeakVersionPatchOutcome Outcome, byte[] Data, IReadOnlyList<long> FlagsOffsets, IReadOnlyList<string> BoundSymbols)
{
    /// <summary>Whether <see cref="Data"/> differs from the input.</summary>
    public bool Changed => Outcome == WeakVersionPatchOutcome.Patched;
}

/// <summary>A dynamic relocation uses a symbol bound to the version, so its need cannot be marked weak safely.</summary>
/// <param name="message">The message, naming the file, the symbol, the version and the relocation section.</param>
/// <param name="symbolName">The symbol the relocation uses.</param>
public sealed class WeakVersionPatchRefusedException(string message, string symbolName) : InvalidOperationException(message)
{
    /// <summary>The symbol the relocation uses.</summary>
    public string SymbolName { get; } = symbolName;
}
