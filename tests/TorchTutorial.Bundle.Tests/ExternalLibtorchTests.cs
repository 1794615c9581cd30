using TorchTutorial.Runtime;

namespace TorchTutorial.Bundle.Tests;

/// <summary>
/// The messages for a libtorch folder that does not fit, from loader texts captured on Debian 12 with the GPU bundle
/// (native/gpu-bundle.sh) pointed at real folders.
/// </summary>
public sealed class ExternalLibtorchTests
{
    // dlopen(RTLD_NOW) of the bundle's libLibTorchSharp.so with Debian's PyTorch 1.13 preloaded.
    private const string UndefinedSymbolWith113 =
        "/tmp/gb-unpack/torchtutorial-linux-x64/libLibTorchSharp.so: undefined symbol: _ZNK3c105Error4whatEv";

    // NativeLibrary.Load of libtorch_cpu.so from a folder that lacks libgomp-98b21ff3.so.1 (.NET's text around dlerror's).
    private const string MissingGompFromDotNet =
        "Unable to load shared library '/tmp/nogomp/torch/lib/libtorch_cpu.so' or one of its dependencies. In order to help diagnose loading problems, " +
        "consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n" +
        "libgomp-98b21ff3.so.1: cannot open shared object file: No such file or directory\n";

    private static readonly LibtorchVersion Debian113 = new("1.13.0a0", "/usr/lib/python3/dist-packages/torch/version.py");

    private string scratch = null!;

    [SetUp]
    public void CreateFolder() => scratch = Directory.CreateTempSubdirectory("torchtutorial-external-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(scratch, recursive: true);

    [Test]
    public void UndefinedSymbol_NamesTheFileTheSymbolAndBothVersions()
    {
        var exception = ExternalLibtorch.FromLoaderText("/usr/lib/python3/dist-packages/torch/lib", Debian113, UndefinedSymbolWith113,
            "/tmp/gb-unpack/torchtutorial-linux-x64/libLibTorchSharp.so", null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.Missing, Is.EqualTo("_ZNK3c105Error4whatEv"));
            Assert.That(exception.LibraryPath, Is.EqualTo("/tmp/gb-unpack/torchtutorial-linux-x64/libLibTorchSharp.so"));
            Assert.That(exception.Message, Does.StartWith("The libtorch in /usr/lib/python3/dist-packages/torch/lib does not fit: "));
            Assert.That(exception.Message, Does.Contain("libLibTorchSharp.so needs the symbol ").And.Contain("_ZNK3c105Error4whatEv"));
            Assert.That(exception.Message, Does.Contain("TorchSharp 0.107.0 needs libtorch 2.10.x"));
            Assert.That(exception.Message, Does.Contain("it holds libtorch 1.13.0a0 (from /usr/lib/python3/dist-packages/torch/version.py)"));
            Assert.That(exception.Message, Does.Not.Contain("\n"));
        });
    }

    [Test]
    public void UndefinedSymbol_IsDemangledWhenCxxFiltIsInstalled()
    {
        RequireCxxFilt();

        var exception = ExternalLibtorch.FromLoaderText("/x", Debian113, UndefinedSymbolWith113, "/app/libLibTorchSharp.so", null);

        Assert.That(exception.Message, Does.Contain("needs the symbol c10::Error::what() const (_ZNK3c105Error4whatEv)"));
    }

    [Test]
    public void MissingDependency_NamesTheFileThatNeedsIt()
    {
        var exception = ExternalLibtorch.FromLoaderText("/tmp/nogomp/torch/lib", new LibtorchVersion("2.10.0+cpu", "/tmp/nogomp/torch/version.py"),
            MissingGompFromDotNet, "/tmp/nogomp/torch/lib/libtorch_cpu.so", null);

        Assert.Multiple(() =>
        {
            Assert.That(exception.Missing, Is.EqualTo("libgomp-98b21ff3.so.1"));
            Assert.That(exception.LibraryPath, Is.EqualTo("/tmp/nogomp/torch/lib/libtorch_cpu.so"));
            Assert.That(exception.Message, Does.Contain("libtorch_cpu.so needs libgomp-98b21ff3.so.1, which the loader did not find"));
            Assert.That(exception.Message, Does.Not.Contain("CUDA library"));
            Assert.That(exception.Message, Does.Not.Contain("Unable to load shared library"));
        });
    }

    [Test]
    public void MissingCudaDependency_SaysItIsACudaLibrary()
    {
        const string loader = "Unable to load shared library '/venv/torch/lib/libtorch_cuda.so' or one of its dependencies. \n" +
                              "libcudart.so.13: cannot open shared object file: No such file or directory\n";

        var exception = ExternalLibtorch.FromLoaderText("/venv/torch/lib", null, loader, "/venv/torch/lib/libtorch_cuda.so", null);

        Assert.That(exception.Message, Does.Contain("libtorch_cuda.so needs libcudart.so.13").And.Contain("a CUDA library").And.Contain("version is unknown"));
    }

    [Test]
    public void UnrecognisedLoaderText_KeepsTheLoadersLine()
    {
        const string loader = "Unable to load shared library '/lib/libc10.so' or one of its dependencies. \n/lib/libc10.so: invalid ELF header\n";

        var exception = ExternalLibtorch.FromLoaderText("/lib", null, loader, "/lib/libc10.so", null);

        Assert.That(exception.Message, Does.Contain("libc10.so did not load ('/lib/libc10.so: invalid ELF header')"));
    }

    [Test]
    public void CheckFiles_EmptyFolder_NamesTheFirstMissingFile()
    {
        var exception = Assert.Throws<TorchRuntimeException>(() => ExternalLibtorch.CheckFiles(scratch));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Missing, Is.EqualTo("libc10.so"));
            Assert.That(exception.LibraryPath, Is.EqualTo(Path.Combine(scratch, "libc10.so")));
            Assert.That(exception.Message, Does.Contain($"The libtorch in {scratch} does not fit: libc10.so is not in it")
                .And.Contain("needs libtorch 2.10.x").And.Contain("version is unknown"));
        });
    }

    [Test]
    public void CheckFiles_WithoutLibtorchSo_NamesIt()
    {
        File.WriteAllText(Path.Combine(scratch, "libc10.so"), string.Empty);
        File.WriteAllText(Path.Combine(scratch, "libtorch_cpu.so"), string.Empty);

        var exception = Assert.Throws<TorchRuntimeException>(() => ExternalLibtorch.CheckFiles(scratch));

        Assert.That(exception!.Missing, Is.EqualTo("libtorch.so"));
    }

    [Test]
    public void CheckFiles_CudaFilesAreOptional()
    {
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            File.WriteAllText(Path.Combine(scratch, name), string.Empty);
        }

        Assert.DoesNotThrow(() => ExternalLibtorch.CheckFiles(scratch));
    }

    [Test]
    public void CheckFiles_MissingFolder_SaysItDoesNotExist()
    {
        string missing = Path.Combine(scratch, "nope");

        var exception = Assert.Throws<TorchRuntimeException>(() => ExternalLibtorch.CheckFiles(missing));

        Assert.That(exception!.Message, Does.Contain($"The libtorch in {missing} does not fit: the folder does not exist"));
    }

    [Test]
    public void Demangle_LeavesNonCppNamesAlone()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SymbolName.Demangle("THSTensor_mm"), Is.Null);
            Assert.That(SymbolName.Describe("THSTensor_mm"), Is.EqualTo("THSTensor_mm"));
        });
    }

    private static void RequireCxxFilt()
    {
        if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "c++filt"))))
        {
            Assert.Ignore("c++filt (binutils) is not installed: symbols are reported mangled.");
        }
    }
}
