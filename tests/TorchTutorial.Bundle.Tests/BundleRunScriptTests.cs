namespace TorchTutorial.Bundle.Tests;

/// <summary>
/// The GPU bundle's run.sh (native/bundle/run.sh) against real libtorch folders. It is pointed at this test build's
/// output (TORCHTUTORIAL_APP), whose libLibTorchSharp.so is the one the bundle ships, so no bundle is built here.
/// The checks happen before .NET starts: each run takes well under a second.
/// </summary>
[Category("Bundle")]
public sealed class BundleRunScriptTests
{
    private const string DebianTorch = "/usr/lib/python3/dist-packages/torch";
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "native", "bundle", "run.sh");
    private static readonly string BuildNative = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
    private string scratch = null!;

    [SetUp]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("run.sh and the external libtorch are Linux only.");
        }

        scratch = Directory.CreateTempSubdirectory("torchtutorial-runsh-").FullName;
    }

    [TearDown]
    public void Cleanup()
    {
        if (scratch is not null && Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Test]
    public void EmptyFolder_NamesTheMissingFileAndTheExpectedVersion()
    {
        var outcome = RunScript("--libtorch", scratch, "--", "autograd");

        AssertOneLineFailure(outcome);
        Assert.That(outcome.Stderr, Does.Contain(scratch).And.Contain("libc10.so is not in it")
            .And.Contain("TorchSharp 0.107.0 needs libtorch 2.10.x").And.Contain("version is unknown"));
    }

    [Test]
    public void MissingFolder_SaysSo()
    {
        string missing = Path.Combine(scratch, "nope");

        var outcome = RunScript("--libtorch", missing, "--", "autograd");

        AssertOneLineFailure(outcome);
        Assert.That(outcome.Stderr, Does.Contain(missing).And.Contain("does not exist"));
    }

    [Test]
    public void TheLibtorchOfThisBuild_Fits()
    {
        var outcome = RunScript("--libtorch", LibtorchCopy("2.10.0"), "--check");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stderr);
        Assert.That(outcome.Stdout, Does.Contain("libtorch 2.10.0 in").And.Contain("fits TorchSharp 0.107.0"));
        Assert.That(outcome.Stderr, Is.Empty);
    }

    [Test]
    public void AnotherVersionWhoseSymbolsResolve_WarnsOrWithStrictRefuses()
    {
        string lib = LibtorchCopy("2.11.0+cu130");

        var lenient = RunScript("--libtorch", lib, "--check");
        var strict = RunScript("--libtorch", lib, "--strict", "--check");

        Assert.That(lenient.ExitCode, Is.EqualTo(0), lenient.Stderr);
        Assert.That(lenient.Stderr, Does.StartWith("run.sh: warning:").And.Contain("2.11.0+cu130").And.Contain("2.10.x"));
        AssertOneLineFailure(strict);
        Assert.That(strict.Stderr, Does.Contain("refused (--strict)"));
    }

    [Test]
    public void DebiansPyTorch113_NamesTheFirstMissingSymbolAndBothVersions()
    {
        RequireDebianTorch();

        var outcome = RunScript("--libtorch", $"{DebianTorch}/lib", "--", "autograd");

        AssertOneLineFailure(outcome);
        Assert.That(outcome.Stderr, Does.Contain("symbol(s) this libtorch does not export, the first: ")
            .And.Contain("_ZN").And.Contain("1.13.0a0").And.Contain($"{DebianTorch}/version.py").And.Contain("2.10.x"));
    }

    [Test]
    public void WithoutAFolder_FindsPyTorchThroughPython()
    {
        RequireDebianTorch();

        var outcome = RunScript(["PYTHON=/usr/bin/python3"], "--check");

        AssertOneLineFailure(outcome);
        Assert.That(outcome.Stderr, Does.Contain($"The libtorch in {DebianTorch}/lib does not fit"));
    }

    private static void RequireDebianTorch()
    {
        if (!Directory.Exists(DebianTorch) || !File.Exists("/usr/bin/python3"))
        {
            Assert.Ignore($"Needs Debian's python3-torch ({DebianTorch}): apt-get install python3-torch.");
        }

        if (!File.Exists("/usr/bin/ldd"))
        {
            Assert.Ignore("Needs ldd (libc-bin) for run.sh's symbol check.");
        }
    }

    /// <summary>A torch/lib folder linking this build's libtorch files, with a version.py saying <paramref name="version"/>.</summary>
    private string LibtorchCopy(string version)
    {
        string lib = Directory.CreateDirectory(Path.Combine(scratch, "torch", "lib")).FullName;
        foreach (string file in Directory.GetFiles(BuildNative, "lib*.so*").Where(f => !Path.GetFileName(f).StartsWith("libLibTorchSharp", StringComparison.Ordinal)))
        {
            File.CreateSymbolicLink(Path.Combine(lib, Path.GetFileName(file)), file);
        }

        File.WriteAllText(Path.Combine(scratch, "torch", "version.py"), $"__version__ = '{version}'\n");
        return lib;
    }

    private static ProcessRunner.Outcome RunScript(params string[] arguments) => RunScript([], arguments);

    private static ProcessRunner.Outcome RunScript(string[] environment, params string[] arguments) =>
        ProcessRunner.Run("env",
            ["-u", "TORCHTUTORIAL_LIBTORCH", $"TORCHTUTORIAL_APP={AppContext.BaseDirectory}", .. environment, "bash", Script, .. arguments],
            TimeSpan.FromMinutes(1), RepositoryPaths.Root);

    private static void AssertOneLineFailure(ProcessRunner.Outcome outcome)
    {
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(4), outcome.Stdout + outcome.Stderr);
            Assert.That(outcome.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), outcome.Stderr);
            Assert.That(outcome.Stderr, Does.StartWith("run.sh: "));
            Assert.That(outcome.Stdout, Is.Empty);
        });
    }
}
