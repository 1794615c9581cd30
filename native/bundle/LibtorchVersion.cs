using System.Text.RegularExpressions;

namespace TorchTutorial.Runtime;

/// <summary>
/// The version of a libtorch folder, read from what ships next to it: a PyTorch install's <c>torch/version.py</c>,
/// the libtorch archive's <c>build-version</c>, versioned file names (Debian's <c>libtorch.so.1.13.0</c>) or a NuGet
/// cache path (<c>libtorch-cpu-linux-x64/2.10.0/runtimes/...</c>).
/// </summary>
/// <param name="Version">The version text as found, e.g. <c>2.11.0+cu130</c>.</param>
/// <param name="Source">Where it was read, e.g. <c>/opt/venv/.../torch/version.py</c>.</param>
public sealed partial record LibtorchVersion(string Version, string Source)
{
    /// <summary>The libtorch release TorchSharp was compiled against, as <c>major.minor</c> (TorchSharp 0.107.0: 2.10).</summary>
    public static string Expected => MajorMinor(CompiledAgainst) ?? CompiledAgainst;

    /// <summary>
    /// TorchSharp's own <c>libtorchPackageVersion</c> constant (2.10.0.0 for TorchSharp 0.107.0), read from metadata:
    /// <c>torch.__version__</c> would run TorchSharp's static constructor, which loads the native library this check guards.
    /// </summary>
    internal static string CompiledAgainst { get; } =
        typeof(TorchSharp.torch).GetField("libtorchPackageVersion", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?.GetRawConstantValue() as string
        ?? "(unknown)";   // a later TorchSharp renamed the constant: LibtorchVersionTests fails, and messages say so

    [GeneratedRegex(@"^__version__\s*=\s*['""](?<v>[^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex VersionPyLine();

    [GeneratedRegex(@"\.so\.(?<v>\d+\.\d+(\.\d+)?)$")]
    private static partial Regex VersionedSoName();

    [GeneratedRegex(@"[/\\]libtorch-[^/\\]+[/\\](?<v>\d+\.\d+\.\d+)(\.\d+)?[/\\]runtimes[/\\]")]
    private static partial Regex NuGetCachePath();

    [GeneratedRegex(@"^(?<mm>\d+\.\d+)(\.|$|\+|a|b|rc)")]
    private static partial Regex MajorMinorPrefix();

    /// <summary>True when the version's <c>major.minor</c> is the one TorchSharp was compiled against.</summary>
    public bool IsExpected => MajorMinor(Version) == Expected;

    /// <summary>Reads the version of the libtorch in <paramref name="libDirectory"/>; null when nothing tells.</summary>
    /// <param name="libDirectory">The folder holding <c>libtorch.so</c>, <c>libc10.so</c>, ...</param>
    public static LibtorchVersion? Read(string libDirectory)
    {
        ArgumentNullException.ThrowIfNull(libDirectory);
        string full = Path.GetFullPath(libDirectory).TrimEnd(Path.DirectorySeparatorChar);
        string? parent = Path.GetDirectoryName(full);

        if (parent is not null)
        {
            string versionPy = Path.Combine(parent, "version.py");
            if (File.Exists(versionPy) && VersionPyLine().Match(File.ReadAllText(versionPy)) is { Success: true } line)
            {
                return new(line.Groups["v"].Value, versionPy);
            }

            string buildVersion = Path.Combine(parent, "build-version");
            if (File.Exists(buildVersion) && File.ReadLines(buildVersion).FirstOrDefault()?.Trim() is { Length: > 0 } text)
            {
                return new(text, buildVersion);
            }
        }

        foreach (string name in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so" })
        {
            string path = Path.Combine(full, name);
            if (File.Exists(path) && VersionedSoName().Match(RealPath(path)) is { Success: true } versioned)
            {
                return new(versioned.Groups["v"].Value, RealPath(path));
            }
        }

        if (NuGetCachePath().Match(full + Path.DirectorySeparatorChar) is { Success: true } cache)
        {
            return new(cache.Groups["v"].Value, full);
        }

        return null;
    }

    /// <summary><c>major.minor</c> of a version text (<c>2.10.0.0</c>, <c>2.11.0+cu130</c>, <c>1.13.0a0</c>); null when it has none.</summary>
    internal static string? MajorMinor(string version) =>
        MajorMinorPrefix().Match(version.Trim()) is { Success: true } match ? match.Groups["mm"].Value : null;

    private static string RealPath(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
