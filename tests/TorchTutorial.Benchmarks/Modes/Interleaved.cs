using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Benchmarks.Suites;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>
/// Checks and times facade against direct with the two interleaved (ABAB…, the order alternating), so that a change
/// in machine load during the run hits both alike; the ratio is the median of the per-pair ratios. Both run the
/// section's own code (<see cref="Workbench.Run"/>): facade its steps through TrainingLoop, direct the same steps in the
/// plain loop of the tutorial apps; only the steps are timed. Also checks that both compute bit-for-bit the same
/// losses, which is what makes them the same computation.
/// </summary>
public static class Interleaved
{
    /// <summary>One section's result.</summary>
    /// <remarks>
    /// Wall: elapsed time. Cpu: the thread's CPU time (see <see cref="ThreadClock"/>), which a busy machine disturbs far
    /// less. Ratios are facade / direct, the median over the pairs.
    /// </remarks>
    public sealed record Row(string Section, int StepsPerRun, bool IdenticalLosses,
        double FacadeWallMsPerStep, double DirectWallMsPerStep, double WallRatio,
        double FacadeCpuMsPerStep, double DirectCpuMsPerStep, double CpuRatio, double CpuRatioMin, double CpuRatioMax, int Pairs);

    /// <summary>Runs every training section; writes <c>interleaved-LABEL.json</c>.</summary>
    public static IReadOnlyList<Row> Run(string resultsDirectory, string label, int pairs = 10)
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        var rows = new List<Row>();
        foreach (var section in Workbench.TrainingSections)
        {
            var facadeLosses = Workbench.Run(section, StepLoop.Facade, NetworkSizes.Tutorial).Losses;   // warm-up, and the equality check
            var directLosses = Workbench.Run(section, StepLoop.Plain, NetworkSizes.Tutorial).Losses;
            bool identical = facadeLosses.SequenceEqual(directLosses);
            int steps = Workbench.StepsPerRun(section);
            var facade = new List<(double Wall, double Cpu)>();
            var direct = new List<(double Wall, double Cpu)>();
            for (int p = 0; p < pairs; p++)
            {
                if (p % 2 == 0)
                {
                    facade.Add(TimeSteps(section, StepLoop.Facade));
                    direct.Add(TimeSteps(section, StepLoop.Plain));
                }
                else
                {
                    direct.Add(TimeSteps(section, StepLoop.Plain));
                    facade.Add(TimeSteps(section, StepLoop.Facade));
                }
            }

            var cpuRatios = facade.Zip(direct, (f, d) => f.Cpu / d.Cpu).ToArray();
            var row = new Row(section, steps, identical,
                Median(facade.Select(f => f.Wall)) / steps, Median(direct.Select(d => d.Wall)) / steps, Median(facade.Zip(direct, (f, d) => f.Wall / d.Wall)),
                Median(facade.Select(f => f.Cpu)) / steps, Median(direct.Select(d => d.Cpu)) / steps, Median(cpuRatios), cpuRatios.Min(), cpuRatios.Max(), pairs);
            rows.Add(row);
            Console.WriteLine($"{section,-22} identical={identical,-5} wall: facade {row.FacadeWallMsPerStep:F4} direct {row.DirectWallMsPerStep:F4} ratio {row.WallRatio:F3} | cpu: facade {row.FacadeCpuMsPerStep:F4} direct {row.DirectCpuMsPerStep:F4} ratio {row.CpuRatio:F3} [{row.CpuRatioMin:F3}, {row.CpuRatioMax:F3}]");
        }

        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, $"interleaved-{label}.json"), JsonSerializer.Serialize(rows, Json.Options));
        return rows;
    }

    private static (double Wall, double Cpu) TimeSteps(string section, StepLoop loop)
    {
        var run = Workbench.Run(section, loop, NetworkSizes.Tutorial);
        return (run.WallMs, run.CpuMs);
    }

    private static (double Wall, double Cpu) Time(Func<double[]> run)
    {
        double cpu0 = ThreadClock.NowMs();
        long start = Stopwatch.GetTimestamp();
        var losses = run();
        double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double cpu = ThreadClock.NowMs() - cpu0;
        GC.KeepAlive(losses);
        return (wall, cpu);
    }

    /// <summary>The median.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>One section's facade time in one process.</summary>
    public sealed record FacadeRow(string Section, double WallMsPerStep, double CpuMsPerStep, int Runs);

    /// <summary>
    /// The facade alone, every section, <paramref name="runs"/> runs each after one warm-up run; appends one JSON line
    /// (all sections) to <c>facades-LABEL.jsonl</c>. run-benchmarks.sh alternates processes with and without
    /// <see cref="Runtime.NativeHeap.Tune"/>'s allocator setting (<c>TORCHTUTORIAL_MALLOC_TUNING=0</c>), so that both see the same
    /// machine load: the before/after comparison of that setting.
    /// </summary>
    public static IReadOnlyList<FacadeRow> RunFacades(string resultsDirectory, string label, int runs = 3)
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        var rows = new List<FacadeRow>();
        foreach (var section in Workbench.TrainingSections)
        {
            Workbench.Facade(section, NetworkSizes.Tutorial);
            int steps = Workbench.StepsPerRun(section);
            var times = Enumerable.Range(0, runs).Select(_ => Time(() => Workbench.Facade(section, NetworkSizes.Tutorial))).ToList();
            rows.Add(new FacadeRow(section, Median(times.Select(t => t.Wall)) / steps, Median(times.Select(t => t.Cpu)) / steps, runs));
            Console.WriteLine($"{label}: {section,-22} {rows[^1].WallMsPerStep:F4} ms/step (cpu {rows[^1].CpuMsPerStep:F4})");
        }

        Directory.CreateDirectory(resultsDirectory);
        File.AppendAllText(Path.Combine(resultsDirectory, $"facades-{label}.jsonl"), JsonSerializer.Serialize(rows, Json.Line) + Environment.NewLine);
        return rows;
    }
}
