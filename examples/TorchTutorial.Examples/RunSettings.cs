using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Cli;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples;

/// <summary>
/// Everything one section run is set to, resolved once from the command line with the section's own defaults applied
/// (<see cref="SectionCatalog"/>) and the device already chosen; the reporter, the section and the training loop all read
/// this one record. <c>all</c> makes one per section.
/// </summary>
/// <param name="Section">The section to run.</param>
/// <param name="Device">Where to compute: the CPU, or a CUDA device that exists.</param>
/// <param name="Seed">Given to <c>torch.manual_seed</c> before the section creates anything.</param>
/// <param name="Sizes">N, D_in, H, D_out (the two-layer sections).</param>
/// <param name="DType">float32, the tutorial's, or float64.</param>
/// <param name="Training">Steps, learning rate and print interval; null for a section that trains nothing.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="Format">What to print.</param>
/// <param name="PlotFile">Where to draw the loss curve (.png or .svg), or null.</param>
/// <param name="CompareFile">A PyTorch run's output (<c>t loss</c> lines) to compare the losses with, or null.</param>
/// <param name="Tolerance">The largest relative deviation <paramref name="CompareFile"/> accepts.</param>
/// <param name="Checkpoints">The <c>--load</c> and <c>--save</c> files.</param>
public sealed record RunSettings(
    TutorialSection Section,
    torch.Device Device,
    long Seed,
    NetworkSizes Sizes,
    torch.ScalarType DType,
    TrainingOptions? Training,
    int Threads,
    OutputFormat Format,
    string? PlotFile,
    string? CompareFile,
    double Tolerance,
    CheckpointFiles Checkpoints)
{
    /// <summary>
    /// <c>--fused</c>: the optim section's Adam is <see cref="Optimizers.FusedAdam"/> (PyTorch's <c>Adam(fused=True)</c>
    /// switch), three passes per parameter on the CPU instead of eight, TorchSharp's <c>optim.Adam</c>.
    /// </summary>
    public bool FusedAdam { get; init; }

    /// <summary>The default for --tolerance: the parity tests' bound.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>libtorch threads when --threads is not given. One, so that a run's last digits match the recorded PyTorch references and the tutorial apps (more threads sum the matrix products in another order); what a second thread costs or buys at the tutorial's sizes and at larger ones is measured in docs/benchmarks.md, section 5.</summary>
    public const int DefaultThreads = 1;

    /// <summary>
    /// The section at its script's defaults: seed 0, the tutorial's sizes, float32, one thread, the CPU unless
    /// <paramref name="device"/> is given, <c>--format text</c>, no files.
    /// </summary>
    public static RunSettings Defaults(TutorialSection section, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new RunSettings(section, device ?? torch.CPU, Seed: 0, NetworkSizes.Tutorial, torch.ScalarType.Float32, section.Training,
            DefaultThreads, OutputFormat.Text, PlotFile: null, CompareFile: null, DefaultTolerance, CheckpointFiles.None);
    }
}
