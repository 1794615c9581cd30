// Learning PyTorch with Examples, in C#: dotnet run --project examples/TorchTutorial.Examples -c Release -- SECTION [options]
using TorchTutorial.Examples.Cli;
using TorchTutorial.Runtime;

// Keep freed blocks in glibc's heap between steps (Linux; TORCHTUTORIAL_MALLOC_TUNING=0 opts out): see NativeHeap and
// docs/memory.md. A process-wide setting, made here by name, not by the library.
NativeHeap.Tune();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C: finish the step in progress, then print the summary.
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    var program = new ExampleProgram(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
    return program.Run(args, cancellation.Token);
}
catch (Exception ex)
{
    // Anything the program did not foresee still ends as one line, never a stack trace.
    // Set TORCHTUTORIAL_DEBUG=1 to see the stack trace when reporting a bug.
    Console.Error.WriteLine(Environment.GetEnvironmentVariable("TORCHTUTORIAL_DEBUG") == "1"
        ? ex.ToString()
        : $"error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}
