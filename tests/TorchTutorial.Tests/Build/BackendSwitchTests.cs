using System.Text.Json;

namespace TorchTutorial.Tests.Build;

/// <summary>
/// -p:TorchBackend picks the libtorch package. The CUDA package is not served by the registry reachable in CI,
/// so the switch is proven by evaluating the project, which needs no restore.
/// </summary>
[Category("Build")]
public sealed class BackendSwitchTests
{
    private static readonly string LibraryProject = Path.Combine(RepositoryPaths.Root, "src", "TorchTutorial", "TorchTutorial.csproj");

    [TestCase(null, "libtorch-cpu", "2.10.0")]
    [TestCase("cpu", "libtorch-cpu", "2.10.0")]
    [TestCase("CPU", "libtorch-cpu", "2.10.0")]
    [TestCase("cuda", "libtorch-cuda-12.8-linux-x64", "2.10.0.0")]
    public void Backend_ReferencesTorchSharpAndTheMatchingLibtorch(string? backend, string package, string version)
    {
        var references = PackageReferences(backend);

        Assert.That(references, Does.ContainKey("TorchSharp").WithValue("0.107.0"));
        Assert.That(references, Does.ContainKey(package).WithValue(version));
        Assert.That(references.Keys.Count(k => k.StartsWith("libtorch-", StringComparison.Ordinal)), Is.EqualTo(1), "exactly one libtorch package");
    }

    [TestCase("external")]
    [TestCase("External")]
    public void ExternalBackend_ReferencesTorchSharpWithoutAnyLibtorchPackage(string backend)
    {
        var references = PackageReferences(backend);

        Assert.That(references, Does.ContainKey("TorchSharp").WithValue("0.107.0"));
        Assert.That(references.Keys.Where(k => k.StartsWith("libtorch-", StringComparison.Ordinal)), Is.Empty,
            "an external build loads libtorch from TORCHTUTORIAL_LIBTORCH at run time");
    }

    [Test]
    public void ExternalBackend_IsRecordedInTheLibrarysMetadata()
    {
        // TorchRuntime.Backend reads this item: it is what makes CudaStatus ask libtorch instead of trusting the build.
        var outcome = ProcessRunner.Run("dotnet",
            ["msbuild", LibraryProject, "-getItem:AssemblyMetadata", "-p:TorchBackend=external", "-nologo"],
            TimeSpan.FromMinutes(2), RepositoryPaths.Root);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stdout + outcome.Stderr);
        using var json = JsonDocument.Parse(outcome.Stdout);
        var metadata = json.RootElement.GetProperty("Items").GetProperty("AssemblyMetadata").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Value").GetString()!);
        Assert.That(metadata, Does.ContainKey("TorchTutorial.TorchBackend").WithValue("external"));
    }

    [Test]
    public void UnknownBackend_FailsTheBuildWithAClearMessage()
    {
        var outcome = ProcessRunner.Run("dotnet",
            ["msbuild", LibraryProject, "-t:ValidateTorchBackend", "-p:TorchBackend=rocm", "-nologo", "-v:q"],
            TimeSpan.FromMinutes(2), RepositoryPaths.Root);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.Not.EqualTo(0));
            Assert.That(outcome.Stdout + outcome.Stderr, Does.Contain("TT0001").And.Contain("Unknown TorchBackend 'rocm'").And.Contain("-p:TorchBackend=cpu").And.Contain("-p:TorchBackend=external"));
        });
    }

    private static Dictionary<string, string> PackageReferences(string? backend)
    {
        // Versions live in Directory.Packages.props (central package management): join the two item types.
        var arguments = new List<string> { "msbuild", LibraryProject, "-getItem:PackageReference", "-getItem:PackageVersion", "-nologo" };
        if (backend is not null)
        {
            arguments.Add($"-p:TorchBackend={backend}");
        }

        var outcome = ProcessRunner.Run("dotnet", arguments, TimeSpan.FromMinutes(2), RepositoryPaths.Root);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Stdout + outcome.Stderr);
        using var json = JsonDocument.Parse(outcome.Stdout);
        var items = json.RootElement.GetProperty("Items");
        var versions = items.GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString()!);
        return items.GetProperty("PackageReference").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!)
            .ToDictionary(name => name, name => versions.TryGetValue(name, out var version) ? version : "(no version)");
    }
}
