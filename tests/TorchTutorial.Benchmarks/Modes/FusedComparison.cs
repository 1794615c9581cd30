using System.Text.Json;
using TorchSharp;
using TorchTutorial.Benchmarks.Suites;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>
/// nn, optim and <c>optim --fused</c> side by side in one process: each round runs the three sections' own code through
/// the facade (500 steps each, the order rotating), timed in the thread's CPU time; the ratios are the medians of the
/// per-round ratios, so that a change in machine load hits all three alike. Also records how far the fused run's losses
/// are from the plain run's: libtorch's kernel rounds differently, as PyTorch's fused Adam does, so they agree to
/// round-off, not bit for bit (the tests hold them to the parity rule).
/// </summary>
public static class FusedComparison
{
    /// <summary>The result: CPU ms per step (medians), and the per-round ratios' median, minimum and maximum.</summary>
    public sealed record Result(int Rounds, int Steps, double MaxRelativeLossDifferenceFirst100, double MaxRelativeLossDifference, double NnCpuMsPerStep, double OptimCpuMsPerStep, double FusedCpuMsPerStep,
        double FusedOverNn, double FusedOverNnMin, double FusedOverNnMax, double OptimOverNn, double FusedOverOptim);

    /// <summary>Runs <paramref name="rounds"/> rounds; writes <c>fused.json</c>.</summary>
    public static Result Run(string resultsDirectory, int rounds = 12)
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        var variants = new (string Name, Func<double[]> Run)[]
        {
            ("nn", () => Workbench.Facade("nn", NetworkSizes.Tutorial)),
            ("optim", () => Workbench.Facade("optim", NetworkSizes.Tutorial)),
            ("fused", () => Workbench.Facade("optim", NetworkSizes.Tutorial, fusedAdam: true)),
        };
        double[] plain = variants[1].Run(), fused = variants[2].Run();   // also the warm-up
        double[] relative = plain.Zip(fused, (p, f) => Math.Abs(f - p) / Math.Abs(p)).ToArray();
        _ = variants[0].Run();
        var cpu = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < variants.Length; k++)
            {
                var (name, run) = variants[(k + round) % variants.Length];
                double start = ThreadClock.NowMs();
                GC.KeepAlive(run());
                cpu[name].Add(ThreadClock.NowMs() - start);
            }
        }

        int steps = Workbench.StepsOf("optim");
        var fusedOverNn = cpu["fused"].Zip(cpu["nn"], (f, n) => f / n).ToArray();
        var result = new Result(rounds, steps, relative.Take(100).Max(), relative.Max(),
            Interleaved.Median(cpu["nn"]) / steps, Interleaved.Median(cpu["optim"]) / steps, Interleaved.Median(cpu["fused"]) / steps,
            Interleaved.Median(fusedOverNn), fusedOverNn.Min(), fusedOverNn.Max(),
            Interleaved.Median(cpu["optim"].Zip(cpu["nn"], (o, n) => o / n)), Interleaved.Median(cpu["fused"].Zip(cpu["optim"], (f, o) => f / o)));
        Console.WriteLine($"cpu ms/step: nn {result.NnCpuMsPerStep:F4} optim {result.OptimCpuMsPerStep:F4} fused {result.FusedCpuMsPerStep:F4}; " +
                          $"fused/nn {result.FusedOverNn:F3} [{result.FusedOverNnMin:F3}, {result.FusedOverNnMax:F3}], optim/nn {result.OptimOverNn:F3}, " +
                          $"fused/optim {result.FusedOverOptim:F3}; losses vs unfused: max relative {result.MaxRelativeLossDifferenceFirst100:G3} over the first 100 steps, {result.MaxRelativeLossDifference:G3} over all");
        Directory.CreateDirectory(resultsDirectory);
        File.WriteAllText(Path.Combine(resultsDirectory, "fused.json"), JsonSerializer.Serialize(result, Json.Options));
        return result;
    }
}
