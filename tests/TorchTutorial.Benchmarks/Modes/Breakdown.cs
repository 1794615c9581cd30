using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>
/// Where a step's time goes: the own step of the nn, optim, module and autograd sections, timed from outside in three
/// phases (the section's step, loss.item, disposing the step's DisposeScope), with the tensors it creates and the page
/// faults it takes, and beside them, in the same process, the step's matrix products alone and its largest product alone.
/// </summary>
public static class Breakdown
{
    /// <summary>One section's mean time per phase, in milliseconds.</summary>
    public sealed record Row(string Section, IReadOnlyDictionary<string, double> PhaseMs, double StepMs, double StepCpuMs, double FloorMs, double FloorCpuMs, double LargestProductMs, long TensorsPerStep, double PageFaultsPerStep);

    /// <summary>What the mode writes.</summary>
    /// <param name="Label">tuned (NativeHeap.Tune()'s allocator setting) or glibc (glibc's defaults).</param>
    /// <param name="Rows">One row per section.</param>
    /// <param name="PageFaultMicroseconds">What one minor page fault costs on this machine: touching fresh pages of a 64 MB block, per page.</param>
    public sealed record Output(string Label, IReadOnlyList<Row> Rows, double PageFaultMicroseconds);

    /// <summary>Runs the breakdown at the tutorial's sizes and writes <c>breakdown-LABEL.json</c> into <paramref name="resultsDirectory"/>.</summary>
    public static Output Run(string resultsDirectory, string label, int warmup = 500, int steps = 4000)
    {
        var sizes = NetworkSizes.Tutorial;
        torch.set_num_threads(1);
        Suites.Warm.ProcessState();
        var rows = new List<Row>
        {
            Measure("autograd", sizes, warmup, steps),
            Measure("nn", sizes, warmup, steps),
            Measure("optim", sizes, warmup, steps),
            Measure("module", sizes, warmup, steps),
        };
        var output = new Output(label, rows, PageFaultCost());
        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, $"breakdown-{label}.json"), JsonSerializer.Serialize(output, Json.Options));
        Console.WriteLine($"one minor page fault: {output.PageFaultMicroseconds:F2} us");
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Section,-10} step {row.StepMs:F4} ms (cpu {row.StepCpuMs:F4})  floor {row.FloorMs:F4} (cpu {row.FloorCpuMs:F4})  largest {row.LargestProductMs:F4}  tensors/step {row.TensorsPerStep} faults/step {row.PageFaultsPerStep:F1} " +
                string.Join("  ", row.PhaseMs.Select(p => $"{p.Key} {p.Value:F4}")));
        }

        return output;
    }

    /// <summary>Microseconds per first touch of a fresh 4 KB page (a minor fault), the median of 5 rounds over a 64 MB block.</summary>
    public static double PageFaultCost()
    {
        const int bytes = 64 << 20;
        var perFault = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            IntPtr block = System.Runtime.InteropServices.Marshal.AllocHGlobal(bytes);   // malloc: above the mmap threshold, so fresh pages
            try
            {
                long faults0 = Workloads.ProcessStats.MinorFaults();
                long start = Stopwatch.GetTimestamp();
                for (int offset = 0; offset < bytes; offset += 4096)
                {
                    System.Runtime.InteropServices.Marshal.WriteByte(block, offset, 1);
                }

                double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                long faults = Workloads.ProcessStats.MinorFaults() - faults0;
                perFault.Add(us / Math.Max(1, faults));
            }
            finally
            {
                System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
            }
        }

        return Interleaved.Median(perFault);
    }

    private static Row Measure(string section, NetworkSizes sizes, int warmup, int steps)
    {
        // The section's own step (the workbench's code, kept equal to its app by the tutorial tests), timed from outside:
        // the step itself (forward, loss, zero_grad, backward, update), loss.item, and disposing the step's DisposeScope.
        var phases = new[] { "step", "item", "scope" };
        var ticks = new long[phases.Length];
        long tensorsBefore = 0, tensorsAfter = 0;
        double stepMs = 0, stepCpuMs = 0, faults = 0;
        SectionContext.Run(Workloads.Workbench.Settings(section, sizes, steps: 1), (loop, step) =>
        {
            Workloads.Workbench.RunPlain(step, warmup, losses: null);
            tensorsBefore = DisposeScopeManager.Statistics.TensorStatistics.CreatedInScopeCount;
            long faultsBefore = Workloads.ProcessStats.MinorFaults();
            double cpu0 = Workloads.ThreadClock.NowMs();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var scope = NewDisposeScope();
                var loss = step(warmup + i);
                long t1 = Stopwatch.GetTimestamp();
                _ = loss.item<float>();
                long t2 = Stopwatch.GetTimestamp();
                scope.Dispose();
                long t3 = Stopwatch.GetTimestamp();
                ticks[0] += t1 - t0; ticks[1] += t2 - t1; ticks[2] += t3 - t2;
            }

            stepMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / steps;
            stepCpuMs = (Workloads.ThreadClock.NowMs() - cpu0) / steps;
            tensorsAfter = DisposeScopeManager.Statistics.TensorStatistics.CreatedInScopeCount;
            faults = (Workloads.ProcessStats.MinorFaults() - faultsBefore) / (double)steps;
            return Workloads.Workbench.NoSteps(loop);
        });

        using var floor = new Workloads.MatmulFloor(sizes, section == "autograd" ? Workloads.ProductLayout.Raw : Workloads.ProductLayout.Linear);
        double floorCpu0 = Workloads.ThreadClock.NowMs();
        double floorMs = TimePerCall(floor.Step, warmup, steps);
        double floorCpuMs = (Workloads.ThreadClock.NowMs() - floorCpu0) / (warmup + steps);
        double largestMs = TimePerCall(floor.ForwardInputProduct, warmup, steps);
        var phaseMs = new Dictionary<string, double>();
        for (int p = 0; p < phases.Length; p++)
        {
            phaseMs[phases[p]] = ticks[p] * 1000.0 / Stopwatch.Frequency / steps;
        }

        return new Row(section, phaseMs, stepMs, stepCpuMs, floorMs, floorCpuMs, largestMs, (tensorsAfter - tensorsBefore) / steps, faults);
    }

    /// <summary>Mean milliseconds per call of <paramref name="action"/> after <paramref name="warmup"/> calls.</summary>
    public static double TimePerCall(Action action, int warmup, int calls)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
    }
}
