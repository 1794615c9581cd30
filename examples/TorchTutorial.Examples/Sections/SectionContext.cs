using TorchSharp;
using TorchTutorial.Checkpoints;
using TorchTutorial.Data;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Sections;

/// <summary>Everything a section needs: sizes, learning rate, device, seed, and the training loop to run its steps in.</summary>
public sealed class SectionContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="sizes">N, D_in, H, D_out.</param>
    /// <param name="training">Steps, learning rate and logging interval.</param>
    /// <param name="device">The device to compute on.</param>
    /// <param name="seed">The seed the run started from (already applied with <c>torch.manual_seed</c>).</param>
    /// <param name="progress">Receives logged steps; may be null.</param>
    /// <param name="output">Where sections that show tensors (clamp, static-graph) write; <see cref="TextWriter.Null"/> to silence.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <param name="dtype">The element type of data and weights: float32 (the tutorial's) unless given.</param>
    /// <param name="checkpoints">The checkpoint to start from and where to save; none unless given.</param>
    /// <param name="fusedOptimizer"><c>--fused</c>: sections that use Adam use the fused one.</param>
    public SectionContext(NetworkSizes sizes, TrainingOptions training, torch.Device device, long seed,
        IProgress<TrainingProgress>? progress = null, TextWriter? output = null, CancellationToken cancellationToken = default,
        torch.ScalarType dtype = torch.ScalarType.Float32, CheckpointFiles? checkpoints = null, bool fusedOptimizer = false)
    {
        FusedOptimizer = fusedOptimizer;
        Checkpoints = checkpoints ?? CheckpointFiles.None;
        DType = dtype is torch.ScalarType.Float32 or torch.ScalarType.Float64
            ? dtype
            : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "The sections compute in float32 or float64.");
        Sizes = sizes;
        Training = training;
        Device = device;
        Seed = seed;
        Progress = progress;
        Output = output ?? TextWriter.Null;
        CancellationToken = cancellationToken;
    }

    /// <summary>N, D_in, H, D_out.</summary>
    public NetworkSizes Sizes { get; }

    /// <summary><c>--fused</c>: Adam with libtorch's fused kernel (<see cref="TorchTutorial.Optimizers.FusedAdam"/>).</summary>
    public bool FusedOptimizer { get; }

    /// <summary>Steps, learning rate and logging interval.</summary>
    public TrainingOptions Training { get; }

    /// <summary>The learning rate (from <see cref="Training"/>).</summary>
    public double LearningRate => Training.LearningRate;

    /// <summary>The device to compute on.</summary>
    public torch.Device Device { get; }

    /// <summary>The element type of data and weights: float32 as in the tutorial, or float64.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>The seed the run started from.</summary>
    public long Seed { get; }

    /// <summary>Receives logged steps.</summary>
    public IProgress<TrainingProgress>? Progress { get; }

    /// <summary>Where sections that show tensors write.</summary>
    public TextWriter Output { get; }

    /// <summary>Stops training after the current step.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The checkpoint to start from (<c>--load</c>) and where to save (<c>--save</c>).</summary>
    public CheckpointFiles Checkpoints { get; }

    /// <summary>What loading and saving checkpoints did, for the run's summary.</summary>
    public IReadOnlyList<string> CheckpointNotes => checkpointNotes;

    private readonly List<string> checkpointNotes = [];

    /// <summary>
    /// <c>--load FILE</c>: restores the model's weights (and the optimizer's state, where the file has it) before training.
    /// Does nothing without <c>--load</c>. On a bad file the model is left untouched.
    /// </summary>
    /// <exception cref="CheckpointOptionException">The file is missing, corrupt, or holds another model.</exception>
    public void LoadCheckpoint(torch.nn.Module model, torch.optim.Optimizer? optimizer = null)
    {
        if (Checkpoints.LoadPath is not { } path)
        {
            return;
        }

        try
        {
            var summary = Checkpoint.Load(path, model, optimizer);
            checkpointNotes.Add($"loaded {summary.TensorCount} tensors from {path} ({summary.Format})" +
                (optimizer is null ? string.Empty : summary.IncludesOptimizerState ? " with the optimizer's state" : "; the file has no optimizer state, so the optimizer starts fresh"));
        }
        catch (CheckpointException ex)
        {
            throw new CheckpointOptionException("--load", ex);
        }
    }

    /// <summary>
    /// <c>--save FILE</c>: writes the trained model (and the optimizer's state, where the format holds it) atomically.
    /// Does nothing without <c>--save</c>.
    /// </summary>
    /// <exception cref="CheckpointOptionException">The file could not be written; an existing file is unchanged.</exception>
    public void SaveCheckpoint(torch.nn.Module model, torch.optim.Optimizer? optimizer = null)
    {
        if (Checkpoints.SavePath is not { } path)
        {
            return;
        }

        try
        {
            var summary = Checkpoint.Save(path, model, optimizer);
            checkpointNotes.Add($"saved {summary.TensorCount} tensors to {path} ({summary.Format})" +
                (optimizer is null ? string.Empty : summary.IncludesOptimizerState ? " with the optimizer's state" : " without the optimizer's state (the format holds weights only)"));
        }
        catch (CheckpointException ex)
        {
            throw new CheckpointOptionException("--save", ex);
        }
    }

    /// <summary>Runs <c>for t in range(steps)</c> over <paramref name="step"/>, each step in its own DisposeScope.</summary>
    public TrainingResult Train(Func<int, torch.Tensor> step) =>
        new TrainingLoop(Training).Run(step, Progress, CancellationToken);
}
