using System.Diagnostics;

namespace TorchTutorial.Tests;

/// <summary>Runs a child process to completion and captures what it printed.</summary>
internal static class ProcessRunner
{
    /// <summary>The outcome of a process run.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>, failing after <paramref name="timeout"/>.</summary>
    public static Outcome Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return new Outcome(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs the examples program (the same build the tests reference) with <paramref name="arguments"/>.</summary>
    public static Outcome RunExamples(params string[] arguments) =>
        Run("dotnet", [RepositoryPaths.ExamplesDll, .. arguments], TimeSpan.FromMinutes(3));

    /// <summary>Runs the examples program with <paramref name="arguments"/> and extra environment variables.</summary>
    public static Outcome RunExamples(string[] arguments, params (string Name, string Value)[] environment) =>
        Run("dotnet", [RepositoryPaths.ExamplesDll, .. arguments], TimeSpan.FromMinutes(3), null, environment);
}
