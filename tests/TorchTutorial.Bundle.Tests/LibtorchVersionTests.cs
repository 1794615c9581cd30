using System.Text.RegularExpressions;
using TorchTutorial.Runtime;

namespace TorchTutorial.Bundle.Tests;

public sealed class LibtorchVersionTests
{
    private string root = null!;

    [SetUp]
    public void CreateFolder() => root = Directory.CreateTempSubdirectory("torchtutorial-libtorch-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(root, recursive: true);

    [Test]
    public void Read_PyTorchInstall_TakesVersionPyNextToLib()
    {
        string lib = Directory.CreateDirectory(Path.Combine(root, "torch", "lib")).FullName;
        // As PyTorch 2.11's wheel writes it.
        File.WriteAllText(Path.Combine(root, "torch", "version.py"),
            "from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip', 'xpu']\n" +
            "__version__ = '2.11.0+cu130'\ndebug = False\ncuda: Optional[str] = '13.0'\n");

        var version = LibtorchVersion.Read(lib);

        Assert.That(version, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(version!.Version, Is.EqualTo("2.11.0+cu130"));
            Assert.That(version.Source, Is.EqualTo(Path.Combine(root, "torch", "version.py")));
            Assert.That(version.IsExpected, Is.False);
        });
    }

    [Test]
    public void Read_LibtorchArchive_TakesBuildVersion()
    {
        string lib = Directory.CreateDirectory(Path.Combine(root, "libtorch", "lib")).FullName;
        File.WriteAllText(Path.Combine(root, "libtorch", "build-version"), "2.10.0+cu128\n");

        var version = LibtorchVersion.Read(lib);

        Assert.That(version?.Version, Is.EqualTo("2.10.0+cu128"));
        Assert.That(version!.IsExpected, Is.True);
    }

    [Test]
    public void Read_VersionedFileNames_AsDebianInstallsThem()
    {
        string real = Directory.CreateDirectory(Path.Combine(root, "x86_64-linux-gnu")).FullName;
        string lib = Directory.CreateDirectory(Path.Combine(root, "torch", "lib")).FullName;
        File.WriteAllText(Path.Combine(real, "libtorch.so.1.13.0"), string.Empty);
        File.CreateSymbolicLink(Path.Combine(real, "libtorch.so.1.13"), "libtorch.so.1.13.0");
        File.CreateSymbolicLink(Path.Combine(lib, "libtorch.so"), "../../x86_64-linux-gnu/libtorch.so.1.13");

        var version = LibtorchVersion.Read(lib);

        Assert.That(version?.Version, Is.EqualTo("1.13.0"));
        Assert.That(version!.Source, Does.EndWith("libtorch.so.1.13.0"));
    }

    [Test]
    public void Read_NuGetCacheFolder_TakesThePackageVersion()
    {
        string lib = Directory.CreateDirectory(Path.Combine(root, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native")).FullName;

        Assert.That(LibtorchVersion.Read(lib)?.Version, Is.EqualTo("2.10.0"));
    }

    [Test]
    public void Read_NothingTells_ReturnsNull()
    {
        Assert.That(LibtorchVersion.Read(root), Is.Null);
    }

    [TestCase("2.10.0.0", "2.10")]
    [TestCase("2.10.1+cu128", "2.10")]
    [TestCase("2.11.0+cu130", "2.11")]
    [TestCase("1.13.0a0", "1.13")]
    [TestCase("2.100.0", "2.100")]
    [TestCase("abc", null)]
    public void MajorMinor_OfVersionTexts(string text, string? expected)
    {
        Assert.That(LibtorchVersion.MajorMinor(text), Is.EqualTo(expected));
    }

    [Test]
    public void Expected_IsTheLibtorchThisRepositoryPins()
    {
        // TorchSharp's own constant, read without loading it, must agree with the libtorch-cpu pin.
        string props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        string pinned = Regex.Match(props, "Include=\"libtorch-cpu\" Version=\"(?<v>[^\"]+)\"").Groups["v"].Value;

        Assert.That(LibtorchVersion.CompiledAgainst, Does.StartWith(pinned), "TorchSharp's libtorchPackageVersion constant");
        Assert.That(LibtorchVersion.Expected, Is.EqualTo(LibtorchVersion.MajorMinor(pinned)));
    }
}
