using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchSharp;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>
/// The loop's own cost per step, measured with a step that does almost nothing (one scalar multiply of a weight that
/// requires grad, and its sum), so that the difference between the facade and the same plain loop is not buried in
/// the milliseconds of a real step. Everything the facade adds per step (the cancellation check, the stopwatch, the
/// delegate call, disposing the returned loss, the finiteness check, storing the loss) is in this difference; an
/// upper bound of the facade/direct ratio of a real step is 1 + difference / (that step's time).
/// </summary>
[Config(typeof(Config))]
public class LoopOverheadBenchmarks
{
    private const int Steps = 1000;
    private Tensor? w;
    private TrainingLoop? loop;
    private double[] losses = new double[Steps];

    /// <summary>One thread; the weight.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        w = ones(1, requires_grad: true);
        loop = new TrainingLoop(new TrainingOptions(Steps, 1e-3));
    }

    /// <summary>Releases the weight.</summary>
    [GlobalCleanup]
    public void Cleanup() => w?.Dispose();

    /// <summary>The plain loop: a DisposeScope and loss.item per step.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Steps)]
    public double Direct()
    {
        for (int t = 0; t < Steps; t++)
        {
            using var scope = NewDisposeScope();
            var loss = (w! * 2).sum();
            losses[t] = loss.item<float>();
        }

        return losses[^1];
    }

    /// <summary>The same step through <see cref="TrainingLoop.Run"/>.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public double Facade() => loop!.Run(_ => (w! * 2).sum()).FinalLoss;

    private sealed class Config : ManualConfig
    {
        public Config() => Add(new BenchConfig(wholeRunsPerInvocation: false));
    }
}
