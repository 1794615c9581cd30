using System.Diagnostics;

namespace TorchTutorial.TestSupport;

/// <summary>Runs a child process to completion and captures what it printed and how long it took.</summary>
internal static class ProcessRunner
{
    /// <summary>The outcome of a process run.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>, failing after <paramref name="timeout"/>.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments, passed as they are.</param>
    /// <param name="timeout">How long it may run before it is killed.</param>
    /// <param name="workingDirectory">Its working directory (default: the tests' build output).</param>
    /// <param name="environment">Variables added to the tests' environment.</param>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/> (it is killed).</exception>
    public static Outcome Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        params (string Name, string Value)[] environment) =>
        RunAsync(fileName, arguments, timeout, workingDirectory, environment).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run" />
    public static async Task<Outcome> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return new Outcome(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), clock.Elapsed);
    }

    /// <summary>Runs the examples program (the same build the tests reference) with <paramref name="arguments"/>.</summary>
    public static Outcome RunExamples(params string[] arguments) =>
        Run("dotnet", [RepositoryPaths.ExamplesDll, .. arguments], TimeSpan.FromMinutes(3));

    /// <summary>Runs the examples program with <paramref name="arguments"/> and extra environment variables.</summary>
    public static Outcome RunExamples(string[] arguments, params (string Name, string Value)[] environment) =>
        Run("dotnet", [RepositoryPaths.ExamplesDll, .. arguments], TimeSpan.FromMinutes(3), null, environment);
}
