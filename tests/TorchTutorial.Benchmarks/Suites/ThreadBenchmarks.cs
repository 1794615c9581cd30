using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>
/// libtorch threads 1, 2 and its own default, at the tutorial's sizes (64×1000×100×10) and a large size
/// (1024×1000×1000×10): the step's largest product alone, and an nn and an optim step through the facade.
/// </summary>
[Config(typeof(Config))]
public class ThreadBenchmarks
{
    private SectionStepper? nnState;
    private SectionStepper? optimState;
    private MatmulFloor? floor;

    /// <summary>The large size.</summary>
    public static NetworkSizes Large { get; } = new(1024, 1000, 1000, 10);

    /// <summary>small = the tutorial's sizes; large = <see cref="Large"/>.</summary>
    [Params("small", "large")]
    public string Size { get; set; } = "small";

    /// <summary>libtorch intra-op threads: 1, 2, or whatever libtorch picks by itself.</summary>
    [Params("1", "2", "default")]
    public string Threads { get; set; } = "1";

    /// <summary>The sizes of this case.</summary>
    public NetworkSizes Sizes => Size == "small" ? NetworkSizes.Tutorial : Large;

    /// <summary>Sets the thread count and builds the models.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Warm.ProcessState();
        TorchThreads.Set(Threads);
        nnState = new SectionStepper("nn", Sizes, learningRate: 1e-8);
        optimState = new SectionStepper("optim", Sizes);
        floor = new MatmulFloor(Sizes, ProductLayout.Linear);
    }

    /// <summary>Releases them and goes back to one thread.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        nnState?.Dispose();
        optimState?.Dispose();
        floor?.Dispose();
        TorchSharp.torch.set_num_threads(1);
    }

    /// <summary>The largest product alone: N×D_in · D_in×H.</summary>
    [Benchmark]
    public void Product() => floor!.ForwardInputProduct();

    /// <summary>One nn step.</summary>
    [Benchmark]
    public double Nn() => nnState!.RunSteps(1);

    /// <summary>One optim (Adam) step.</summary>
    [Benchmark]
    public double Optim() => optimState!.RunSteps(1);

    private sealed class Config : ManualConfig
    {
        public Config() => Add(new BenchConfig(wholeRunsPerInvocation: false));
    }
}
