using System.Diagnostics;
using TorchTutorial.Examples.Cli;

namespace TorchTutorial.Examples.Tests.Cli;

/// <summary>
/// Runs the examples program through its entry, <see cref="ExampleProgram.Run"/> (what its Main calls, with the same
/// writers' text and exit code), in this process: a test that checks what the program prints and returns need not pay
/// for starting .NET and libtorch again. <see cref="ExitCodeTests"/> runs the program as a process, as a user does.
/// </summary>
/// <remarks>The tests of this assembly run one at a time (no Parallelizable attribute): a run sets libtorch's seed and thread count.</remarks>
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
