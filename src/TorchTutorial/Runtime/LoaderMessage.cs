using System.Text.RegularExpressions;

namespace TorchTutorial.Runtime;

/// <summary>
/// Reads the system loader's (dlerror) text, as carried by <see cref="DllNotFoundException"/>,
/// and keeps the one failure that explains why a library did not load.
/// </summary>
internal sealed partial record LoaderMessage(LoaderFailureKind Kind, string Library, string Missing, string Line)
{
    [GeneratedRegex(@"^(?<lib>\S+): version `(?<ver>[^']+)' not found \(required by (?<by>[^)]+)\)", RegexOptions.Multiline)]
    private static partial Regex MissingVersion();

    [GeneratedRegex(@"^(?<lib>\S+): undefined symbol: (?<sym>\S+)", RegexOptions.Multiline)]
    private static partial Regex UndefinedSymbol();

    [GeneratedRegex(@"^(?<lib>\S+): (?<dep>[^:\s]+): cannot open shared object file", RegexOptions.Multiline)]
    private static partial Regex MissingDependency();

    [GeneratedRegex(@"^(?<lib>\S+): cannot open shared object file", RegexOptions.Multiline)]
    private static partial Regex MissingFile();

    [GeneratedRegex(@"^(?<lib>\S+): (?<why>invalid ELF header|file too short|wrong ELF class: \S+|ELF load command [^\r\n]*|only ET_DYN and ET_EXEC can be loaded)", RegexOptions.Multiline)]
    private static partial Regex NotALibrary();

    /// <summary>Picks the most telling failure from a loader message; null when none is recognised.</summary>
    public static LoaderMessage? Parse(string text)
    {
        if (MissingVersion().Match(text) is { Success: true } version)
        {
            return new(LoaderFailureKind.MissingSymbolVersion, version.Groups["by"].Value.Trim(),
                $"{version.Groups["ver"].Value} (from {Path.GetFileName(version.Groups["lib"].Value)})", version.Value);
        }

        if (UndefinedSymbol().Match(text) is { Success: true } symbol)
        {
            return new(LoaderFailureKind.UndefinedSymbol, symbol.Groups["lib"].Value, symbol.Groups["sym"].Value, symbol.Value);
        }

        // Before the missing files: .NET tries several names, and the others' "cannot open" hides the one file found.
        if (NotALibrary().Match(text) is { Success: true } damaged)
        {
            return new(LoaderFailureKind.NotALibrary, damaged.Groups["lib"].Value, damaged.Groups["why"].Value, damaged.Value);
        }

        if (MissingDependency().Match(text) is { Success: true } dependency)
        {
            return new(LoaderFailureKind.MissingDependency, dependency.Groups["lib"].Value, dependency.Groups["dep"].Value, dependency.Value);
        }

        if (MissingFile().Match(text) is { Success: true } file)
        {
            return new(LoaderFailureKind.MissingFile, file.Groups["lib"].Value, Path.GetFileName(file.Groups["lib"].Value), file.Value);
        }

        return null;
    }
}

/// <summary>The kinds of native load failure the runtime check explains.</summary>
internal enum LoaderFailureKind
{
    /// <summary>A needed symbol version (e.g. GLIBCXX_3.4.32) is absent from a system library.</summary>
    MissingSymbolVersion,

    /// <summary>A symbol is missing from the libraries loaded.</summary>
    UndefinedSymbol,

    /// <summary>A library the file depends on was not found.</summary>
    MissingDependency,

    /// <summary>The file itself is absent.</summary>
    MissingFile,

    /// <summary>The file is there but is not a shared library the loader can map (damaged, truncated, another architecture).</summary>
    NotALibrary,
}
