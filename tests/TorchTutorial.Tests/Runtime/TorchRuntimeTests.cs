using TorchSharp;
using TorchTutorial.Runtime;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Test]
    public void EnsureLoaded_LoadsLibtorchFromTheBuildOutputAndTrainsOneStep()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.EnsureLoaded();   // idempotent

        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(8, 5);
        var y = randn(8, 2);
        var w = randn(5, 2, requires_grad: true);
        var before = (x.mm(w) - y).pow(2).sum();
        before.backward();
        using (no_grad())
        {
            w.sub_(0.01 * w.grad!);
        }

        var after = (x.mm(w) - y).pow(2).sum();
        Assert.That(after.ToDouble(), Is.LessThan(before.ToDouble()));
    }

    [Test]
    public void TheLoadedNativeLibraryIsTheBuildOutputCopy()
    {
        string nativeLibrary = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("The runtimes/linux-x64 layout is checked on Linux only.");
        }

        string maps = File.ReadAllText("/proc/self/maps");
        Assert.That(maps, Does.Contain(nativeLibrary), "libLibTorchSharp.so must load from the build output, not from TorchSharp's fallback copy of the NuGet cache.");
    }

    [Test]
    public void Explain_MissingGlibcxxVersion_NamesFileVersionAndFix()
    {
        const string library = "/app/runtimes/linux-x64/native/libLibTorchSharp.so";
        string loader = "Unable to load shared library 'LibTorchSharp' or one of its dependencies.\n" +
                        $"/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {library})\n" +
                        "/app/libLibTorchSharp.so: cannot open shared object file: No such file or directory";

        var exception = TorchRuntime.Explain(loader, null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.LibraryPath, Is.EqualTo(library));
            Assert.That(exception.Missing, Does.StartWith("GLIBCXX_3.4.32"));
            Assert.That(exception.Message, Does.Contain(library).And.Contain("GLIBCXX_3.4.32").And.Contain("native/Compatibility"));
            Assert.That(exception.Message, Does.Not.Contain("doesn't contain a reference"));
        });
    }

    [Test]
    public void Explain_MissingDependency_NamesTheDependency()
    {
        const string loader = "/app/runtimes/linux-x64/native/libLibTorchSharp.so: libtorch_cpu.so: cannot open shared object file: No such file or directory";

        var exception = TorchRuntime.Explain(loader, null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.Missing, Is.EqualTo("libtorch_cpu.so"));
            Assert.That(exception.Message, Does.Contain("libtorch-cpu 2.10.0"));
        });
    }

    [Test]
    public void Explain_AFileThatIsNoSharedLibrary_NamesIt_NotTheOtherNamesDotNetTried()
    {
        // What NativeLibrary.Load reports when libLibTorchSharp.so is damaged: one line per name it tried.
        const string loader = "Unable to load shared library 'LibTorchSharp' or one of its dependencies. In order to help diagnose loading problems, " +
            "consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n" +
            "/app/runtimes/linux-x64/native/libLibTorchSharp.so: file too short\n" +
            "/app/runtimes/linux-x64/native/LibTorchSharp.so: cannot open shared object file: No such file or directory\n" +
            "/app/libLibTorchSharp.so: cannot open shared object file: No such file or directory\n";

        var exception = TorchRuntime.Explain(loader, null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.LibraryPath, Is.EqualTo("/app/runtimes/linux-x64/native/libLibTorchSharp.so"));
            Assert.That(exception.Missing, Is.EqualTo("file too short"));
            Assert.That(exception.Message, Does.Contain("is not a shared library").And.Contain("rebuild"));
        });
    }

    [Test]
    public void Explain_UndefinedSymbol_PointsAtMismatchedVersions()
    {
        const string loader = "/app/libLibTorchSharp.so: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs";

        var exception = TorchRuntime.Explain(loader, null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.Missing, Is.EqualTo("_ZN3c106detail14torchCheckFailEPKcS2_jRKSs"));
            Assert.That(exception.Message, Does.Contain("libtorch 2.10.0"));
        });
    }

    [TestCase("external", "external")]
    [TestCase("External", "external")]   // -p:TorchBackend=External reaches the metadata as typed
    [TestCase("CUDA", "cuda")]
    [TestCase(null, "cpu")]
    [TestCase("", "cpu")]
    public void NormalizeBackend_LowerCasesTheRecordedValue(string? recorded, string expected)
    {
        Assert.That(TorchRuntime.NormalizeBackend(recorded), Is.EqualTo(expected));
    }

    [Test]
    public void Explain_UnrecognisedText_KeepsTheLoaderText()
    {
        var exception = TorchRuntime.Explain("something unexpected happened", null);

        Assert.That(exception.Message, Does.Contain("something unexpected happened"));
    }
}
