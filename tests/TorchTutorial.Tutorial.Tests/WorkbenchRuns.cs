using System.Collections.Concurrent;
namespace TorchTutorial.Tutorial.Tests;

/// <summary>
/// Runs the workbench for a section with <c>--format tutorial</c>, once per test run: the examples program's own entry
/// (<see cref="ExampleRun.InProcess"/>: <c>ExampleProgram.Run</c>, what its Main calls) in this process, so that the apps' tests start no second
/// process per app.
/// </summary>
/// <remarks>
/// One section at a time: a run sets libtorch's seed and thread count, which are process-wide. The examples program's
/// Main also calls <c>NativeHeap.Tune()</c>, which changes how fast glibc hands out memory, never what is computed.
/// </remarks>
internal static class WorkbenchRuns
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Outputs = new();

    /// <summary>What <c>TorchTutorial.Examples SECTION --format tutorial</c> prints (seed 0, the section's defaults).</summary>
    /// <exception cref="InvalidOperationException">The section failed (its exit code and stderr are in the message).</exception>
    public static Task<string> OutputOf(TutorialApp app) =>
        Outputs.GetOrAdd(app.Section, section => new Lazy<Task<string>>(() => RunAsync(section))).Value;

    private static async Task<string> RunAsync(string section)
    {
        await OneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            var run = await Task.Run(() => ExampleRun.InProcess(section, "--format", "tutorial")).ConfigureAwait(false);
            return run.ExitCode == 0 && run.Stdout.Length > 0
                ? run.Stdout
                : throw new InvalidOperationException($"the workbench's '{section}' section exited {run.ExitCode} with no output or: {run.Stderr}");
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
