using System.Diagnostics;
using TorchTutorial.Examples.Cli;

namespace TorchTutorial.TestSupport;

/// <summary>
/// Runs the examples program through its entry, <see cref="ExampleProgram.Run"/> (what its Main calls, with the same
/// writers' text and exit code), in this process: a test that checks what the program prints and returns need not pay
/// for starting .NET and libtorch again. (The workbench's ExitCodeTests run the program as a process, as a user does.)
/// </summary>
/// <remarks>
/// One run at a time per process: a run sets libtorch's seed and thread count, which are process-wide. The workbench's
/// tests run one at a time (no Parallelizable attribute); the apps' tests, which run in parallel, queue their runs.
/// </remarks>
internal static class ExampleRun
{
    /// <summary>The program's exit code, stdout and stderr for <paramref name="arguments"/>.</summary>
    public static ProcessRunner.Outcome InProcess(params string[] arguments)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var clock = Stopwatch.StartNew();
        int exitCode = new ExampleProgram(stdout, stderr, interactive: false).Run(arguments, CancellationToken.None);
        return new ProcessRunner.Outcome(exitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }
}
