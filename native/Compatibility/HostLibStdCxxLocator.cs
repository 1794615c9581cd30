using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TorchTutorial.Native;

/// <summary>
/// Finds the <c>libstdc++.so.6</c> the host's dynamic loader uses: the one mapped into the current process (the dotnet
/// host and CoreCLR link against it), else the first one in the usual library directories.
/// </summary>
public static class HostLibStdCxxLocator
{
    /// <summary>The directories probed, in order, when the current process has no libstdc++ mapped.</summary>
    public static IReadOnlyList<string> ProbeDirectories { get; } =
        ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];

    /// <summary>Finds the host's <c>libstdc++.so.6</c>.</summary>
    /// <returns>The path mapped into this process, else the first one in <see cref="ProbeDirectories"/>, else null.</returns>
    public static string? Locate()
    {
        string? mapped = null;
        try
        {
            mapped = File.Exists("/proc/self/maps") ? FindInProcessMaps(File.ReadAllText("/proc/self/maps")) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return mapped != null && File.Exists(mapped) ? mapped : Probe(ProbeDirectories);
    }

    /// <summary>
    /// Returns the first mapped file in <paramref name="maps"/> (a <c>/proc/PID/maps</c> text) named <c>libstdc++.so.6</c>
    /// or a versioned file such as <c>libstdc++.so.6.0.30</c> (the kernel shows the symlink's target).
    /// </summary>
    /// <param name="maps">The contents of a <c>/proc/PID/maps</c> file.</param>
    /// <returns>The path, or null when no such mapping is listed.</returns>
    public static string? FindInProcessMaps(string maps)
    {
        foreach (string line in maps.Split('\n'))
        {
            // address perms offset dev inode [pathname]; the pathname may contain spaces.
            string[] fields = line.Split([' ', '\t'], 6, StringSplitOptions.RemoveEmptyEntries);
            string path = fields.Length < 6 ? string.Empty : fields[5].Trim();
            path = path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path.Substring(0, path.Length - 10) : path;
            string name = Path.GetFileName(path);
            if (path.StartsWith("/", StringComparison.Ordinal)
                && (name == GlibcxxWeakVersionPatcher.LibStdCxxFileName || name.StartsWith(GlibcxxWeakVersionPatcher.LibStdCxxFileName + ".", StringComparison.Ordinal)))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Returns the first existing <c>libstdc++.so.6</c> in <paramref name="directories"/>, or null.</summary>
    /// <param name="directories">Directories to look in, in order.</param>
    /// <returns>The path, or null when none of the directories has one.</returns>
    public static string? Probe(IEnumerable<string> directories) =>
        directories.Select(d => Path.Combine(d, GlibcxxWeakVersionPatcher.LibStdCxxFileName)).FirstOrDefault(File.Exists);
}
