using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchSharp;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>
/// Every training section at the tutorial's sizes, one libtorch thread: one invocation is one whole run of the section's
/// own code (the script's own number of steps, at most 2000), its steps through the facade's loop, or through the plain
/// loop the tutorial apps write (the baseline, so BenchmarkDotNet's Ratio column is facade / direct).
/// </summary>
[Config(typeof(Config))]
public class SectionBenchmarks
{
    /// <summary>The training sections.</summary>
    public static IEnumerable<string> Sections => Workbench.TrainingSections;

    /// <summary>The section this case runs.</summary>
    [ParamsSource(nameof(Sections))]
    public string Section { get; set; } = "nn";

    /// <summary>One libtorch thread (the examples' default), and the allocator setting the facade applies, for both variants.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
    }

    /// <summary>The section's own code, its steps in the plain loop (<see cref="StepLoop.Plain"/>).</summary>
    [Benchmark(Baseline = true)]
    public int Direct() => Workbench.Run(Section, StepLoop.Plain, NetworkSizes.Tutorial).Losses.Length;

    /// <summary>The section's own code, through <c>SectionContext.Train</c> and <c>TrainingLoop</c>, as the examples program runs it.</summary>
    [Benchmark]
    public int Facade() => Workbench.Facade(Section, NetworkSizes.Tutorial).Length;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            Add(new BenchConfig(wholeRunsPerInvocation: true));
            AddColumn(new PerStepColumn("ms/step (median)", StepsOf, median: true), new PerStepColumn("ms/step (mean)", StepsOf, median: false));
        }

        private static int StepsOf(BenchmarkDotNet.Running.BenchmarkCase c) =>
            Workbench.StepsPerRun((string)c.Parameters["Section"]);
    }
}

/// <summary>
/// The compute floor: one step's matrix products alone, at the tutorial's sizes, one thread, in 500-step invocations
/// (the dynamic layout replays the depth draws of DynamicSection's <c>new PythonRandom(0)</c>).
/// </summary>
[Config(typeof(Config))]
public class FloorBenchmarks
{
    private MatmulFloor? floor;

    /// <summary>Whose products.</summary>
    [Params(ProductLayout.Raw, ProductLayout.Linear, ProductLayout.Dynamic)]
    public ProductLayout Layout { get; set; }

    /// <summary>Makes the operands; one thread.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        Warm.ProcessState();
        floor = new MatmulFloor(NetworkSizes.Tutorial, Layout);
    }

    /// <summary>Releases the operands.</summary>
    [GlobalCleanup]
    public void Cleanup() => floor?.Dispose();

    /// <summary>500 steps' products.</summary>
    [Benchmark(OperationsPerInvoke = FloorSteps)]
    public void Products()
    {
        floor!.ResetDepths();
        for (int i = 0; i < FloorSteps; i++)
        {
            floor.Step();
        }
    }

    private const int FloorSteps = 500;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            Add(new BenchConfig(wholeRunsPerInvocation: true));
            AddColumn(new PerStepColumn("ms/step (median)", _ => 1, median: true));
        }
    }
}
