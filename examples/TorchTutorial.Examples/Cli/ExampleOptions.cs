using TorchTutorial.Data;

namespace TorchTutorial.Examples.Cli;

/// <summary>The parsed and validated command line.</summary>
/// <param name="Section">A section name or <c>all</c>.</param>
/// <param name="Device">The device as written: cpu, auto, cuda or cuda:N.</param>
/// <param name="Seed">The seed passed to <c>torch.manual_seed</c> before each section.</param>
/// <param name="Steps">Training steps per section, or null for each section's own (<see cref="Sections.ITutorialSection.DefaultSteps"/>).</param>
/// <param name="Sizes">N, D_in, H, D_out.</param>
/// <param name="LearningRate">The learning rate, or null for each script's own.</param>
/// <param name="Threads">libtorch's intra-op thread count.</param>
/// <param name="LogEvery">Print every this many steps, or null for each section's own (<see cref="Sections.ITutorialSection.DefaultLogEvery"/>).</param>
/// <param name="Format">What to print.</param>
/// <param name="PlotFile">Where to draw the loss curve (.png or .svg), or null.</param>
/// <param name="CompareFile">A PyTorch run's output (<c>t loss</c> lines) to compare the losses with, or null.</param>
/// <param name="DType">The element type: float32 (the tutorial's) or float64.</param>
/// <param name="Checkpoints">The <c>--load</c> and <c>--save</c> files.</param>
/// <param name="Tolerance">The largest relative deviation <paramref name="CompareFile"/> accepts.</param>
/// <param name="FusedOptimizer"><c>--fused</c>: the optim section's Adam runs libtorch's fused kernel.</param>
public sealed record ExampleOptions(
    string Section,
    string Device,
    long Seed,
    int? Steps,
    NetworkSizes Sizes,
    double? LearningRate,
    int Threads,
    int? LogEvery,
    OutputFormat Format,
    string? PlotFile,
    string? CompareFile,
    TorchTutorial.Examples.Sections.CheckpointFiles Checkpoints,
    double Tolerance,
    TorchSharp.torch.ScalarType DType,
    bool FusedOptimizer = false)
{
    /// <summary>The default for --tolerance: the parity tests' bound.</summary>
    public const double DefaultTolerance = 1e-4;
}
