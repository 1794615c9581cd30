using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TorchTutorial.Native;

/// <summary>
/// MSBuild task: for each <c>libLibTorchSharp.so</c> item, returns the file to copy to the output. When the host's
/// <c>libstdc++.so.6</c> lacks <c>GLIBCXX_3.4.32</c> that is a copy under <see cref="OutputDirectory"/> whose version
/// need is marked weak (see <see cref="GlibcxxWeakVersionPatcher"/>); otherwise the original file. The input files (in
/// the NuGet cache) are only read, never written.
/// </summary>
/// <remarks>
/// Compiled into <c>TorchTutorial.Compatibility.dll</c> (netstandard2.0) and declared by
/// <c>LibTorchSharpCompatibility.targets</c> with <c>UsingTask AssemblyFile</c>; see <c>native/README.md</c>.
/// </remarks>
public sealed class PatchLibTorchSharpForOldLibStdCxx : Microsoft.Build.Utilities.Task
{
    /// <summary>The libraries to check (full paths; metadata is carried over to <see cref="LibrariesToUse"/>).</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = [];

    /// <summary>Directory for patched copies, normally under <c>$(IntermediateOutputPath)</c>.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>Optional path of the <c>libstdc++.so.6</c> to check instead of the one this process uses.</summary>
    public string? HostLibStdCxxPath { get; set; }

    /// <summary>Optional NuGet global packages folder; the task refuses to write below it (as below the defaults).</summary>
    public string? NuGetPackageRoot { get; set; }

    /// <summary>The dependency whose version need is marked weak; defaults to <c>libstdc++.so.6</c>.</summary>
    public string NeededFileName { get; set; } = GlibcxxWeakVersionPatcher.LibStdCxxFileName;

    /// <summary>The version whose need is marked weak; defaults to <c>GLIBCXX_3.4.32</c>.</summary>
    public string VersionName { get; set; } = GlibcxxWeakVersionPatcher.RequiredVersion;

    /// <summary>One item per <see cref="Libraries"/> item, same order and metadata: the patched copy, or the original.</summary>
    [Output]
    public ITaskItem[] LibrariesToUse { get; set; } = [];

    /// <summary>The patched copies this task produced or found up to date (for <c>FileWrites</c>).</summary>
    [Output]
    public ITaskItem[] PatchedFiles { get; set; } = [];

    /// <inheritdoc/>
    public override bool Execute()
    {
        try
        {
            return Run();
        }
        catch (Exception e) when (e is ElfFormatException or WeakVersionPatchRefusedException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private bool Fail(string message)
    {
        Log.LogError(null, "TT0100", null, null, 0, 0, 0, 0,
            "TorchTutorial: " + message + " To skip this step, build with -p:TorchTutorialPatchLibTorchSharp=false.");
        return false;
    }

    private bool Run()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            return Fail("the OutputDirectory parameter of PatchLibTorchSharpForOldLibStdCxx is empty.");
        }

        string? host = string.IsNullOrEmpty(HostLibStdCxxPath) ? HostLibStdCxxLocator.Locate()
            : File.Exists(HostLibStdCxxPath) ? Path.GetFullPath(HostLibStdCxxPath) : null;
        if (host == null && !string.IsNullOrEmpty(HostLibStdCxxPath))
        {
            return Fail("HostLibStdCxxPath '" + HostLibStdCxxPath + "' does not exist.");
        }

        bool hostDefinesVersion = false;
        string hostLacksVersion = host == null
            ? $"no {NeededFileName} was found in this process or in {string.Join(", ", HostLibStdCxxLocator.ProbeDirectories)}, so it may lack {VersionName}"
            : $"libstdc++ at {host} lacks {VersionName}";
        try
        {
            hostDefinesVersion = host != null && GlibcxxWeakVersionPatcher.ReadDefinedVersions(File.ReadAllBytes(host), host).Contains(VersionName);
        }
        catch (ElfFormatException e)
        {
            // Marking the need weak is harmless where the version exists, so an unreadable host library is no reason to stop.
            Log.LogMessage(MessageImportance.Normal, $"TorchTutorial: could not read the versions of {host} ({e.Message}); patching anyway.");
            hostLacksVersion = $"the versions libstdc++ at {host} defines could not be read, so it may lack {VersionName}";
        }

        var results = new List<ITaskItem>();
        var written = new List<ITaskItem>();
        foreach (ITaskItem library in Libraries)
        {
            string source = Path.GetFullPath(library.ItemSpec);
            if (hostDefinesVersion)
            {
                Log.LogMessage(MessageImportance.High, $"TorchTutorial: libstdc++ at {host} defines {VersionName}; using {source} unchanged.");
                results.Add(library);
                continue;
            }

            WeakVersionPatchResult result = GlibcxxWeakVersionPatcher.Patch(File.ReadAllBytes(source), NeededFileName, VersionName, source);
            if (result.Outcome != WeakVersionPatchOutcome.Patched)
            {
                string why = result.Outcome == WeakVersionPatchOutcome.AlreadyWeak
                    ? $"its {VersionName} need is already weak"
                    : $"it does not need {VersionName} from {NeededFileName}";
                Log.LogMessage(MessageImportance.High, $"TorchTutorial: using {source} unchanged: {why}.");
                results.Add(library);
                continue;
            }

            string destination = Path.Combine(Path.GetFullPath(OutputDirectory), StableDirectoryName(source), Path.GetFileName(source));
            EnsureNotInPackageFolder(source, destination);
            bool changed = WriteIfDifferent(destination, result.Data);
            string symbols = result.BoundSymbols.Count == 0 ? string.Empty : ", bound only to " + string.Join(", ", result.BoundSymbols);
            Log.LogMessage(
                changed ? MessageImportance.High : MessageImportance.Normal,
                $"TorchTutorial: {hostLacksVersion}; {(changed ? "wrote patched copy " : "patched copy is up to date: ")}{destination} "
                + $"({VersionName} need marked weak{symbols}; original {source} untouched)");

            var patchedItem = new TaskItem(destination);
            library.CopyMetadataTo(patchedItem);
            results.Add(patchedItem);
            written.Add(new TaskItem(destination));
        }

        LibrariesToUse = results.ToArray();
        PatchedFiles = written.ToArray();
        return !Log.HasLoggedErrors;
    }

    private void EnsureNotInPackageFolder(string source, string destination)
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string?[] roots =
        [
            Path.GetDirectoryName(source), NuGetPackageRoot, Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".nuget", "packages"),
        ];
        foreach (string root in roots.Where(r => !string.IsNullOrEmpty(r))!)
        {
            string full = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (destination.StartsWith(full, StringComparison.Ordinal))
            {
                throw new IOException($"refusing to write the patched copy of {source} to {destination} because that is inside {full} "
                    + "(the NuGet package folder must stay pristine); point OutputDirectory at the project's obj directory.");
            }
        }
    }

    /// <summary>
    /// FNV-1a of the source path: distinct sources (package versions, RIDs) get distinct folders, the same source always
    /// the same folder, so build and publish share one up-to-date copy.
    /// </summary>
    private static string StableDirectoryName(string source) =>
        source.Aggregate(2166136261u, (hash, c) => unchecked((hash ^ c) * 16777619)).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="content"/> through a temporary file and a rename, unless the file already holds it.</summary>
    private static bool WriteIfDifferent(string destination, byte[] content)
    {
        if (File.Exists(destination) && File.ReadAllBytes(destination).SequenceEqual(content))
        {
            return false;
        }

        string directory = Path.GetDirectoryName(destination) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            try
            {
                File.Move(temporary, destination);
            }
            catch (IOException) when (File.Exists(destination))
            {
                // It exists (stale, or another build created it meanwhile): replace it atomically.
                File.Replace(temporary, destination, null);
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return true;
    }
}
