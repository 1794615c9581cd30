namespace TorchTutorial.Tutorial.Tests;

/// <summary>Runs the workbench (the examples program this solution builds) for a section with <c>--format tutorial</c>.</summary>
internal static class WorkbenchRuns
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>What <c>TorchTutorial.Examples SECTION --format tutorial</c> prints (seed 0, the section's defaults).</summary>
    public static async Task<string> OutputOf(TutorialApp app)
    {
        var run = await ProcessRunner.RunAsync("dotnet", [RepositoryPaths.ExamplesDll, app.Section, "--format", "tutorial"], Timeout, RepositoryPaths.Root);
        Assert.That(run.ExitCode, Is.Zero, $"the workbench's '{app.Section}' section failed: {run.Stderr}");
        Assert.That(run.Stdout, Is.Not.Empty);
        return run.Stdout;
    }
}
