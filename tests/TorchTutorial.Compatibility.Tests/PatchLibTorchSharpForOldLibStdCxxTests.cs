using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using TorchTutorial.Native;

namespace TorchTutorial.Compatibility.Tests;

/// <summary>
/// The MSBuild task end to end, with a fake build engine, on the real libLibTorchSharp.so in the NuGet cache.
/// Host libstdc++ variants are edited copies of the real one passed through HostLibStdCxxPath, so the outcome does
/// not depend on which libstdc++ the machine running the tests has.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PatchLibTorchSharpForOldLibStdCxxTests
{
    private const string Glibcxx3432 = GlibcxxWeakVersionPatcher.RequiredVersion;

    private string _scratch = string.Empty;

    [SetUp]
    public void CreateScratchDirectory()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "torchtutorial-compat-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_scratch);
    }

    [TearDown]
    public void DeleteScratchDirectory()
    {
        Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void OnAnOldLibStdCxxTheTaskWritesAPatchedCopyKeepsMetadataAndLeavesTheNuGetCacheUntouched()
    {
        string cached = NativeTestFiles.LibTorchSharpPath;
        string hashBefore = NativeTestFiles.Sha256(cached);
        string oldLibStdCxx = WriteHostVariant(defineGlibcxx3432: false);
        ITaskItem library = LibraryItem(cached);
        string output = Path.Combine(_scratch, "obj", "torchtutorial-compat");

        (bool succeeded, PatchLibTorchSharpForOldLibStdCxx task, FakeBuildEngine engine) = Run(library, output, oldLibStdCxx);

        ITaskItem used = task.LibrariesToUse.Single();
        byte[] expected = GlibcxxWeakVersionPatcher.Patch(File.ReadAllBytes(cached), GlibcxxWeakVersionPatcher.LibStdCxxFileName, Glibcxx3432).Data;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True, string.Join(Environment.NewLine, engine.Errors.Select(e => e.Message)));
            Assert.That(used.ItemSpec, Does.StartWith(output + Path.DirectorySeparatorChar).And.EndWith(Path.DirectorySeparatorChar + "libLibTorchSharp.so"));
            Assert.That(File.ReadAllBytes(used.ItemSpec), Is.EqualTo(expected));
            Assert.That(used.GetMetadata("DestinationSubDirectory"), Is.EqualTo("runtimes/linux-x64/native/"));
            Assert.That(used.GetMetadata("RelativePath"), Is.EqualTo("runtimes/linux-x64/native/libLibTorchSharp.so"));
            Assert.That(used.GetMetadata("NuGetPackageId"), Is.EqualTo("TorchSharp"));
            Assert.That(task.PatchedFiles.Select(f => f.ItemSpec), Is.EqualTo(new[] { used.ItemSpec }));
            Assert.That(
                engine.HighImportanceMessages,
                Has.One.StartsWith($"TorchTutorial: libstdc++ at {oldLibStdCxx} lacks {Glibcxx3432}; wrote patched copy {used.ItemSpec} ({Glibcxx3432} need marked weak"));
            Assert.That(NativeTestFiles.Sha256(cached), Is.EqualTo(hashBefore), "the NuGet cache copy must never change");
            Assert.That(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories), Is.Empty, "no temporary files may be left behind");
        }
    }

    [Test]
    public void ASecondRunLeavesAnUpToDatePatchedCopyAlone()
    {
        string oldLibStdCxx = WriteHostVariant(defineGlibcxx3432: false);
        string output = Path.Combine(_scratch, "obj");
        (_, PatchLibTorchSharpForOldLibStdCxx first, _) = Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), output, oldLibStdCxx);
        string patched = first.LibrariesToUse.Single().ItemSpec;
        DateTime stamp = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(patched, stamp);

        (bool succeeded, PatchLibTorchSharpForOldLibStdCxx second, FakeBuildEngine engine) = Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), output, oldLibStdCxx);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True);
            Assert.That(second.LibrariesToUse.Single().ItemSpec, Is.EqualTo(patched));
            Assert.That(File.GetLastWriteTimeUtc(patched), Is.EqualTo(stamp), "an identical copy must not be rewritten");
            Assert.That(engine.Messages.Select(m => m.Message), Has.One.Contains("patched copy is up to date"));
        }
    }

    [Test]
    public void ADamagedPatchedCopyIsReplaced()
    {
        string oldLibStdCxx = WriteHostVariant(defineGlibcxx3432: false);
        string output = Path.Combine(_scratch, "obj");
        (_, PatchLibTorchSharpForOldLibStdCxx first, _) = Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), output, oldLibStdCxx);
        string patched = first.LibrariesToUse.Single().ItemSpec;
        byte[] good = File.ReadAllBytes(patched);
        File.WriteAllBytes(patched, [1, 2, 3]);

        (bool succeeded, _, FakeBuildEngine engine) = Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), output, oldLibStdCxx);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True);
            Assert.That(File.ReadAllBytes(patched), Is.EqualTo(good));
            Assert.That(engine.HighImportanceMessages, Has.One.Contains("wrote patched copy"));
        }
    }

    [Test]
    public void OnALibStdCxxThatDefinesTheVersionTheTaskReturnsTheOriginalItemAndWritesNothing()
    {
        string newLibStdCxx = WriteHostVariant(defineGlibcxx3432: true);
        ITaskItem library = LibraryItem(NativeTestFiles.LibTorchSharpPath);
        string output = Path.Combine(_scratch, "obj");

        (bool succeeded, PatchLibTorchSharpForOldLibStdCxx task, FakeBuildEngine engine) = Run(library, output, newLibStdCxx);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True);
            Assert.That(task.LibrariesToUse.Single(), Is.SameAs(library));
            Assert.That(task.PatchedFiles, Is.Empty);
            Assert.That(Directory.Exists(output), Is.False, "nothing may be written");
            Assert.That(engine.HighImportanceMessages, Has.One.Contains($"defines {Glibcxx3432}; using {NativeTestFiles.LibTorchSharpPath} unchanged"));
        }
    }

    [Test]
    public void AnAlreadyPatchedLibraryIsUsedAsIs()
    {
        string alreadyWeak = Path.Combine(_scratch, "weak", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(alreadyWeak)!);
        File.WriteAllBytes(alreadyWeak, GlibcxxWeakVersionPatcher.Patch(NativeTestFiles.LibTorchSharpCopy(), GlibcxxWeakVersionPatcher.LibStdCxxFileName, Glibcxx3432).Data);
        ITaskItem library = LibraryItem(alreadyWeak);

        (bool succeeded, PatchLibTorchSharpForOldLibStdCxx task, FakeBuildEngine engine) =
            Run(library, Path.Combine(_scratch, "obj"), WriteHostVariant(defineGlibcxx3432: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True);
            Assert.That(task.LibrariesToUse.Single(), Is.SameAs(library));
            Assert.That(engine.HighImportanceMessages, Has.One.Contains("need is already weak"));
        }
    }

    [Test]
    public void TheTaskRefusesToWriteIntoTheNuGetPackagesFolder()
    {
        string packages = Path.Combine(_scratch, "packages");
        string native = Path.Combine(packages, "torchsharp", NativeTestFiles.TorchSharpVersion, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        string library = Path.Combine(native, "libLibTorchSharp.so");
        File.Copy(NativeTestFiles.LibTorchSharpPath, library);
        var task = new PatchLibTorchSharpForOldLibStdCxx
        {
            BuildEngine = new FakeBuildEngine(),
            Libraries = [LibraryItem(library)],
            OutputDirectory = Path.Combine(packages, "obj"),
            HostLibStdCxxPath = WriteHostVariant(defineGlibcxx3432: false),
            NuGetPackageRoot = packages,
        };

        bool succeeded = task.Execute();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.False);
            Assert.That(((FakeBuildEngine)task.BuildEngine).Errors.Single().Message, Does.Contain("must stay pristine"));
            Assert.That(Directory.Exists(Path.Combine(packages, "obj")), Is.False);
        }
    }

    [Test]
    public void ADamagedLibraryFailsTheBuildWithAnActionableError()
    {
        string damaged = Path.Combine(_scratch, "libLibTorchSharp.so");
        File.WriteAllBytes(damaged, NativeTestFiles.LibTorchSharpCopy().AsSpan(0, 100_000).ToArray());

        (bool succeeded, _, FakeBuildEngine engine) = Run(LibraryItem(damaged), Path.Combine(_scratch, "obj"), WriteHostVariant(defineGlibcxx3432: false));

        BuildErrorEventArgs error = engine.Errors.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.False);
            Assert.That(error.Code, Is.EqualTo("TT0100"));
            Assert.That(error.Message, Does.Contain(damaged).And.Contain("TorchTutorialPatchLibTorchSharp=false"));
        }
    }

    [Test]
    public void AnUnreadableHostLibStdCxxIsTreatedAsLackingTheVersion()
    {
        string notElf = Path.Combine(_scratch, "libstdc++.so.6");
        File.WriteAllText(notElf, "not a shared library");

        (bool succeeded, PatchLibTorchSharpForOldLibStdCxx task, FakeBuildEngine engine) =
            Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), Path.Combine(_scratch, "obj"), notElf);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.True);
            Assert.That(task.PatchedFiles, Has.Length.EqualTo(1));
            Assert.That(engine.HighImportanceMessages, Has.One.Contains("could not be read, so it may lack " + Glibcxx3432 + "; wrote patched copy"));
        }
    }

    [Test]
    public void AMissingHostLibStdCxxOverrideIsAnError()
    {
        string missing = Path.Combine(_scratch, "nowhere", "libstdc++.so.6");

        (bool succeeded, _, FakeBuildEngine engine) = Run(LibraryItem(NativeTestFiles.LibTorchSharpPath), Path.Combine(_scratch, "obj"), missing);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(succeeded, Is.False);
            Assert.That(engine.Errors.Single().Message, Does.Contain(missing));
        }
    }

    private static ITaskItem LibraryItem(string path)
    {
        var item = new TaskItem(path);
        item.SetMetadata("DestinationSubDirectory", "runtimes/linux-x64/native/");
        item.SetMetadata("RelativePath", "runtimes/linux-x64/native/libLibTorchSharp.so");
        item.SetMetadata("NuGetPackageId", "TorchSharp");
        return item;
    }

    private static (bool Succeeded, PatchLibTorchSharpForOldLibStdCxx Task, FakeBuildEngine Engine) Run(ITaskItem library, string output, string hostLibStdCxx)
    {
        var engine = new FakeBuildEngine();
        var task = new PatchLibTorchSharpForOldLibStdCxx
        {
            BuildEngine = engine,
            Libraries = [library],
            OutputDirectory = output,
            HostLibStdCxxPath = hostLibStdCxx,
        };
        return (task.Execute(), task, engine);
    }

    /// <summary>
    /// Writes a copy of the host's libstdc++ that defines GLIBCXX_3.4.32 or not, by a same-length rename of a
    /// version name in its string table (GLIBCXX_3.4.32 to GLIBCXX_3.4.99, or the newest other to GLIBCXX_3.4.32).
    /// </summary>
    private string WriteHostVariant(bool defineGlibcxx3432)
    {
        string host = NativeTestFiles.HostLibStdCxxPath;
        byte[] bytes = File.ReadAllBytes(host);
        ISet<string> versions = GlibcxxWeakVersionPatcher.ReadDefinedVersions(bytes, host);
        if (defineGlibcxx3432 && !versions.Contains(Glibcxx3432))
        {
            string newest = versions.Where(v => v.Length == Glibcxx3432.Length).Max(StringComparer.Ordinal)!;
            bytes = ElfTestEdits.RenameDefinedVersion(bytes, newest, Glibcxx3432);
        }
        else if (!defineGlibcxx3432 && versions.Contains(Glibcxx3432))
        {
            bytes = ElfTestEdits.RenameDefinedVersion(bytes, Glibcxx3432, "GLIBCXX_3.4.99");
        }

        string path = Path.Combine(_scratch, defineGlibcxx3432 ? "new" : "old", GlibcxxWeakVersionPatcher.LibStdCxxFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        Assert.That(GlibcxxWeakVersionPatcher.ReadDefinedVersions(bytes, path).Contains(Glibcxx3432), Is.EqualTo(defineGlibcxx3432));
        return path;
    }
}
