namespace TorchTutorial.Native
{
    using System;
    using System.Collections.Generic;
    using System.IO;

    /// <summary>
    /// Finds the <c>libstdc++.so.6</c> the host's dynamic loader uses: the one mapped into the current process
    /// (the dotnet host and CoreCLR link against it), else the first one in the usual library directories.
    /// </summary>
    public static class HostLibStdCxxLocator
    {
        private const string DeletedSuffix = " (deleted)";

        private static readonly char[] FieldSeparators = { ' ', '\t' };

        private static readonly string[] DefaultProbeDirectories =
        {
            "/usr/lib/x86_64-linux-gnu",
            "/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/lib64",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib",
        };

        /// <summary>The directories probed, in order, when the current process has no libstdc++ mapped.</summary>
        public static IReadOnlyList<string> ProbeDirectories
        {
            get { return DefaultProbeDirectories; }
        }

        /// <summary>Finds the host's <c>libstdc++.so.6</c>.</summary>
        /// <returns>
        /// The path mapped into this process (from <c>/proc/self/maps</c>), else the first existing
        /// <c>libstdc++.so.6</c> in <see cref="ProbeDirectories"/>, else <see langword="null"/>.
        /// </returns>
        public static string? Locate()
        {
            string? mapped = null;
            try
            {
                if (File.Exists("/proc/self/maps"))
                {
                    mapped = FindInProcessMaps(File.ReadAllText("/proc/self/maps"));
                }
            }
            catch (IOException)
            {
                mapped = null;
            }
            catch (UnauthorizedAccessException)
            {
                mapped = null;
            }

            if (mapped != null && File.Exists(mapped))
            {
                return mapped;
            }

            return Probe(DefaultProbeDirectories);
        }

        /// <summary>
        /// Returns the first mapped file in <paramref name="maps"/> (the text of a <c>/proc/PID/maps</c> file) whose
        /// name is <c>libstdc++.so.6</c> or a versioned file such as <c>libstdc++.so.6.0.30</c> (the kernel shows
        /// the symlink's target).
        /// </summary>
        /// <param name="maps">The contents of a <c>/proc/PID/maps</c> file.</param>
        /// <returns>The path, or <see langword="null"/> when no such mapping is listed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="maps"/> is <see langword="null"/>.</exception>
        public static string? FindInProcessMaps(string maps)
        {
            if (maps == null)
            {
                throw new ArgumentNullException(nameof(maps));
            }

            foreach (string line in maps.Split('\n'))
            {
                // address perms offset dev inode [pathname]; the pathname may contain spaces.
                string[] fields = line.Split(FieldSeparators, 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 6)
                {
                    continue;
                }

                string path = fields[5].Trim();
                if (path.EndsWith(DeletedSuffix, StringComparison.Ordinal))
                {
                    path = path.Substring(0, path.Length - DeletedSuffix.Length);
                }

                if (path.Length > 0 && path[0] == '/' && IsLibStdCxxName(Path.GetFileName(path)))
                {
                    return path;
                }
            }

            return null;
        }

        /// <summary>Returns the first existing <c>libstdc++.so.6</c> in <paramref name="directories"/>.</summary>
        /// <param name="directories">Directories to look in, in order.</param>
        /// <returns>The path, or <see langword="null"/> when none of the directories has one.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="directories"/> is <see langword="null"/>.</exception>
        public static string? Probe(IEnumerable<string> directories)
        {
            if (directories == null)
            {
                throw new ArgumentNullException(nameof(directories));
            }

            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, GlibcxxWeakVersionPatcher.LibStdCxxFileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static bool IsLibStdCxxName(string fileName)
        {
            string soname = GlibcxxWeakVersionPatcher.LibStdCxxFileName;
            return string.Equals(fileName, soname, StringComparison.Ordinal)
                || fileName.StartsWith(soname + ".", StringComparison.Ordinal);
        }
    }
}
