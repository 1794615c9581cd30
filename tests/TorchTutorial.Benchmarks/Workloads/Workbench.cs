using System.Diagnostics;
using TorchTutorial.Data;
using TorchTutorial.Examples;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Workloads;

/// <summary>How <see cref="Workbench.Run"/> runs a section's training steps.</summary>
public enum StepLoop
{
    /// <summary>Through <see cref="TrainingLoop"/>, as the examples program does.</summary>
    Facade,

    /// <summary>A plain <c>for</c> loop: a <c>torch.NewDisposeScope()</c> and a <c>loss.item&lt;float&gt;()</c> per step, as the tutorial apps write it.</summary>
    Plain,

    /// <summary>The plain loop with no DisposeScope left: every tensor a step makes is detached from all scopes, so only .NET's finalizer frees it.</summary>
    NoScope,
}

/// <summary>
/// The sections as the benchmarks run them: always the workbench's own code (<see cref="SectionCatalog"/>, run by
/// <see cref="SectionContext.Run(RunSettings, IProgress{TrainingProgress}?, TextWriter?, CancellationToken)"/>), never a copy.
/// <see cref="Run"/> hands the section's own step to a loop of the benchmark's choice: <see cref="TrainingLoop"/> (the facade)
/// or the plain loop the tutorial apps (tutorial/*.cs) write around the same statements. The section is kept equal to its
/// app, byte for byte, by tests/TorchTutorial.Tutorial.Tests; both loops compute bit-for-bit the same losses (the
/// <c>interleaved</c> mode checks it every run).
/// </summary>
public static class Workbench
{
    /// <summary>The most steps one benchmarked run takes: the scripts' own counts, but none above this (poly-dynamic's 30000).</summary>
    public const int MaxSteps = 2000;

    private static readonly Dictionary<string, int> TrainingRuns = [];

    /// <summary>The training sections, in the catalog's order.</summary>
    public static IReadOnlyList<string> TrainingSections { get; } =
        SectionCatalog.Sections.Where(s => s.Trains).Select(s => s.Name).ToArray();

    /// <summary>The steps one training run of <paramref name="name"/> takes here: the catalog's count, at most <see cref="MaxSteps"/>.</summary>
    public static int StepsOf(string name) => Math.Min(SectionCatalog.Get(name).Training!.Steps, MaxSteps);

    /// <summary>The training steps one run of <paramref name="name"/> performs: <see cref="StepsOf"/> times the training runs the section makes (static-graph trains twice, compiled and eager).</summary>
    public static int StepsPerRun(string name) => StepsOf(name) * TrainingRunsOf(name);

    /// <summary>How many training runs the section makes, counted by running it for one step (once per section and process).</summary>
    public static int TrainingRunsOf(string name)
    {
        lock (TrainingRuns)
        {
            if (!TrainingRuns.TryGetValue(name, out int runs))
            {
                runs = 0;
                SectionContext.Run(Settings(name, NetworkSizes.Tutorial, steps: 1), (loop, step) =>
                {
                    runs++;
                    return loop.Run(step);
                });
                TrainingRuns[name] = runs;
            }

            return runs;
        }
    }

    /// <summary>
    /// The section's settings as the examples program makes them (<see cref="RunSettings.Defaults"/>), with the catalog's learning
    /// rate unless <paramref name="learningRate"/> is given.
    /// </summary>
    public static RunSettings Settings(string name, NetworkSizes sizes, int? steps = null, double? learningRate = null, long seed = 0,
        bool fusedAdam = false, int? logEvery = null)
    {
        var section = SectionCatalog.Get(name);
        var training = section.Training ?? throw new ArgumentException($"The {name} section trains nothing.", nameof(name));
        return RunSettings.Defaults(section) with
        {
            Seed = seed,
            Sizes = sizes,
            Training = new TrainingOptions(steps ?? StepsOf(name), learningRate ?? training.LearningRate, logEvery ?? training.LogEvery),
            FusedAdam = fusedAdam,
        };
    }

    /// <summary>Runs the section exactly as the examples program does (optim with <c>--fused</c> when <paramref name="fusedAdam"/>); returns every loss.</summary>
    public static double[] Facade(string name, NetworkSizes sizes, int? steps = null, bool fusedAdam = false)
    {
        var result = SectionContext.Run(Settings(name, sizes, steps, fusedAdam: fusedAdam));
        return result.Training!.Losses.ToArray();
    }

    /// <summary>
    /// Runs the section with its training steps in <paramref name="loop"/>, timing only the steps (the section's set-up is not
    /// timed, alike for every loop); returns every loss and the steps' wall-clock and thread CPU time.
    /// </summary>
    public static Timed Run(string name, StepLoop loop, NetworkSizes sizes, int? steps = null)
    {
        var losses = new List<double>();
        double wallMs = 0, cpuMs = 0;
        SectionContext.Run(Settings(name, sizes, steps), (trainingLoop, step) =>
        {
            double cpu0 = ThreadClock.NowMs();
            long start = Stopwatch.GetTimestamp();
            var result = loop == StepLoop.Facade ? trainingLoop.Run(step) : null;
            if (result is null)
            {
                RunPlain(step, trainingLoop.Options.Steps, losses, dispose: loop == StepLoop.Plain);
            }

            wallMs += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpuMs += ThreadClock.NowMs() - cpu0;
            if (result is not null)
            {
                losses.AddRange(result.Losses);
                return result;
            }

            return NoSteps(trainingLoop);
        });
        return new Timed(losses.ToArray(), wallMs, cpuMs);
    }

    /// <summary>
    /// The plain loop around a section's step: per step a DisposeScope and <c>loss.item&lt;float&gt;()</c>, as in tutorial/*.cs;
    /// with <paramref name="dispose"/> false the scope lets go of every tensor instead of disposing it.
    /// </summary>
    public static void RunPlain(Func<int, Tensor> step, int steps, List<double>? losses, bool dispose = true, Action<int>? afterStep = null)
    {
        for (int t = 0; t < steps; t++)
        {
            var scope = NewDisposeScope();
            var loss = step(t);
            float value = loss.item<float>();
            if (!dispose)
            {
                scope.Detach(scope.DisposablesView);
            }

            scope.Dispose();

            losses?.Add(value);
            afterStep?.Invoke(t);
        }
    }

    /// <summary>What the section gets back from a run its steps were taken out of: a result with no steps (the loop, cancelled before the first).</summary>
    public static TrainingResult NoSteps(TrainingLoop loop)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        return loop.Run(_ => throw new UnreachableException(), progress: null, cancelled.Token);
    }

    /// <summary>A timed run.</summary>
    /// <param name="Losses">Every step's loss, over all of the section's training runs.</param>
    /// <param name="WallMs">Wall-clock time in the steps.</param>
    /// <param name="CpuMs">The thread's CPU time in the steps.</param>
    public sealed record Timed(double[] Losses, double WallMs, double CpuMs);
}
