using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Runtime;
using TorchTutorial.Training;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>
/// Startup: from process start (the launching shell's clock, passed in) to the end of the first finished training
/// step of the nn section through the facade, split into: runtime start to Main, loading libtorch, and the section's
/// set-up plus its first step. The second step's time is recorded for comparison (the first step pays one-time costs).
/// Like the examples program, it calls <see cref="NativeHeap.Tune"/> first.
/// </summary>
public static class Startup
{
    /// <summary>One launch.</summary>
    public sealed record Result(double LaunchToMainMs, double LoadLibtorchMs, double SetupAndFirstStepMs, double LaunchToFirstStepMs, double SecondStepMs);

    /// <summary>Measures; appends one JSON line to <c>startup.jsonl</c>.</summary>
    /// <param name="resultsDirectory">Where to append.</param>
    /// <param name="launchUnixNs">The launching shell's clock when it started the process (<c>date +%s%N</c>).</param>
    /// <param name="mainUtc">The wall clock at the first statement of Main.</param>
    public static Result Run(string resultsDirectory, long launchUnixNs, DateTime mainUtc)
    {
        var launch = DateTime.UnixEpoch.AddTicks(launchUnixNs / 100);
        NativeHeap.Tune();   // the examples program's first statement
        long t0 = Stopwatch.GetTimestamp();
        TorchRuntime.EnsureLoaded();
        long t1 = Stopwatch.GetTimestamp();
        torch.set_num_threads(1);   // the examples' default
        torch.manual_seed(0);
        DateTime firstStepUtc = default;
        long firstStepTicks = 0, secondStepTicks = 0;
        using var stop = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Step == 0)
            {
                firstStepUtc = DateTime.UtcNow;
                firstStepTicks = Stopwatch.GetTimestamp();
            }
            else
            {
                secondStepTicks = Stopwatch.GetTimestamp();
                stop.Cancel();
            }
        });
        SectionContext.Run(RunSettings.Defaults(SectionCatalog.Get("nn")), progress, cancellationToken: stop.Token);
        var result = new Result(
            LaunchToMainMs: (mainUtc - launch).TotalMilliseconds,
            LoadLibtorchMs: Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds,
            SetupAndFirstStepMs: Stopwatch.GetElapsedTime(t1, firstStepTicks).TotalMilliseconds,
            LaunchToFirstStepMs: (firstStepUtc - launch).TotalMilliseconds,
            SecondStepMs: Stopwatch.GetElapsedTime(firstStepTicks, secondStepTicks).TotalMilliseconds);
        Directory.CreateDirectory(resultsDirectory);
        File.AppendAllText(Path.Combine(resultsDirectory, "startup.jsonl"), JsonSerializer.Serialize(result, Json.Line) + Environment.NewLine);
        Console.WriteLine($"launch→Main {result.LaunchToMainMs:F0} ms, load libtorch {result.LoadLibtorchMs:F0} ms, set-up + first step {result.SetupAndFirstStepMs:F0} ms: launch→first step {result.LaunchToFirstStepMs:F0} ms (second step {result.SecondStepMs:F2} ms)");
        return result;
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
