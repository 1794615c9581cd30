using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchSharp;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>
/// One training step of nn (manual SGD update) and optim (Adam) through the facade, and the step's matrix products
/// alone, from the tutorial's batch 64 to 4096 and hidden 100 to 1000 (D_in 1000, D_out 10), one libtorch thread.
/// </summary>
[Config(typeof(Config))]
public class ScalingBenchmarks
{
    private SectionStepper? nnState;
    private SectionStepper? optimState;
    private MatmulFloor? floor;

    /// <summary>N.</summary>
    [Params(64, 256, 1024, 4096)]
    public int Batch { get; set; }

    /// <summary>H.</summary>
    [Params(100, 1000)]
    public int Hidden { get; set; }

    /// <summary>The sizes of this case.</summary>
    public NetworkSizes Sizes => new(Batch, 1000, Hidden, 10);

    /// <summary>Builds the models and operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        nnState = new SectionStepper("nn", Sizes, learningRate: 1e-8);
        optimState = new SectionStepper("optim", Sizes);
        floor = new MatmulFloor(Sizes, ProductLayout.Linear);
    }

    /// <summary>Releases them.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        nnState?.Dispose();
        optimState?.Dispose();
        floor?.Dispose();
    }

    /// <summary>The step's matrix products alone.</summary>
    [Benchmark(Baseline = true)]
    public void Floor() => floor!.Step();

    /// <summary>One nn step through TrainingLoop.</summary>
    [Benchmark]
    public double Nn() => nnState!.RunSteps(1);

    /// <summary>One optim (Adam) step through TrainingLoop.</summary>
    [Benchmark]
    public double Optim() => optimState!.RunSteps(1);

    private sealed class Config : ManualConfig
    {
        public Config() => Add(new BenchConfig(wholeRunsPerInvocation: false));
    }
}
