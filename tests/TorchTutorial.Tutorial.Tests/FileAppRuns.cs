using System.Collections.Concurrent;

namespace TorchTutorial.Tutorial.Tests;

/// <summary>
/// Runs an app once per test run, <c>dotnet run tutorial/X.cs</c> as a user would (build included), and hands every
/// test of that app the same outcome.
/// </summary>
/// <remarks>
/// The tests run in parallel (NUnit's default level: the number of processors, at least 2), so the apps are built in
/// parallel: one at a time, 14 first builds take minutes on a 2-core machine. All of them reference src/TorchTutorial,
/// which <c>dotnet run file.cs</c> builds in Debug; it is built once before any app, so that the parallel app builds
/// find it up to date instead of compiling it together into the same obj/ folder.
/// </remarks>
internal static class FileAppRuns
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<ProcessRunner.Outcome>> Library = new(() =>
        ProcessRunner.RunAsync("dotnet", ["build", "src/TorchTutorial/TorchTutorial.csproj", "-c", "Debug", "-nologo", "-v:q"], Timeout, RepositoryPaths.Root));

    private static readonly ConcurrentDictionary<string, Lazy<Task<ProcessRunner.Outcome>>> Runs = new();

    /// <summary>The outcome of <c>dotnet run tutorial/FILE</c> for <paramref name="app"/>, run on first use.</summary>
    public static Task<ProcessRunner.Outcome> Of(TutorialApp app) =>
        Runs.GetOrAdd(app.File, _ => new Lazy<Task<ProcessRunner.Outcome>>(() => RunAsync(app))).Value;

    private static async Task<ProcessRunner.Outcome> RunAsync(TutorialApp app)
    {
        var library = await Library.Value.ConfigureAwait(false);
        if (library.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build src/TorchTutorial -c Debug failed ({library.ExitCode}):\n{library.Stdout}{library.Stderr}");
        }

        return await ProcessRunner.RunAsync("dotnet", ["run", app.RelativePath], Timeout, RepositoryPaths.Root, CompilerServer).ConfigureAwait(false);
    }

    // As on a developer's machine, where the compiler server is on by default: the apps' builds share one warm csc
    // instead of starting a cold one each (CI images often turn it off with UseSharedCompilation=false). The fixture
    // below stops the server when the tests end.
    private static readonly (string, string) CompilerServer = ("UseSharedCompilation", "true");
}

/// <summary>Stops the compiler server the apps' builds started, so that no process outlives the test run.</summary>
[SetUpFixture]
public sealed class CompilerServerShutdown
{
    /// <summary>Runs <c>dotnet build-server shutdown --vbcscompiler</c>.</summary>
    [OneTimeTearDown]
    public void StopCompilerServer() =>
        ProcessRunner.Run("dotnet", ["build-server", "shutdown", "--vbcscompiler"], TimeSpan.FromMinutes(1), RepositoryPaths.Root);
}
