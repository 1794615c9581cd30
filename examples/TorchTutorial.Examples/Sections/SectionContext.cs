using TorchSharp;
using TorchTutorial.Checkpoints;
using TorchTutorial.Data;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// What a running section is handed: its <see cref="RunSettings"/> (read, never rebuilt), where to report logged steps
/// and print, and the training loop to run its steps in. <see cref="Run"/> is the one way a section is run, by the
/// program and by the tests alike.
/// </summary>
public sealed class SectionContext
{
    private readonly List<string> checkpointNotes = [];
    private readonly Func<TrainingLoop, Func<int, torch.Tensor>, TrainingResult>? loop;

    private SectionContext(RunSettings settings, IProgress<TrainingProgress>? progress, TextWriter? output, CancellationToken cancellationToken,
        Func<TrainingLoop, Func<int, torch.Tensor>, TrainingResult>? loop = null)
    {
        this.loop = loop;
        Settings = settings;
        Progress = progress;
        Output = output ?? TextWriter.Null;
        CancellationToken = cancellationToken;
    }

    /// <summary>The run's settings.</summary>
    public RunSettings Settings { get; }

    /// <summary><c>device = torch.device("cpu")</c>, or <c>"cuda:0"</c> with <c>--device cuda</c>.</summary>
    public torch.Device Device => Settings.Device;

    /// <summary>The element type of data and weights: <c>torch.float</c> as in the tutorial, or float64.</summary>
    public torch.ScalarType DType => Settings.DType;

    /// <summary>N, D_in, H, D_out.</summary>
    public NetworkSizes Sizes => Settings.Sizes;

    /// <summary>The learning rate: the script's, or <c>--lr</c>.</summary>
    /// <exception cref="InvalidOperationException">The section trains nothing.</exception>
    public double LearningRate => Training.LearningRate;

    /// <summary>Receives logged steps.</summary>
    public IProgress<TrainingProgress>? Progress { get; }

    /// <summary>Where sections write what their script prints besides <c>print(t, loss.item())</c>: clamp's tensors, today's polynomial_autograd.py's lines.</summary>
    public TextWriter Output { get; }

    /// <summary>Stops training after the current step.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>True when the script prints at step <paramref name="t"/>: <c>t % every == every - 1</c>.</summary>
    /// <exception cref="InvalidOperationException">The section trains nothing.</exception>
    public bool IsLogged(int t) => Training.IsLogged(t);

    private TrainingOptions Training => Settings.Training
        ?? throw new InvalidOperationException($"The {Settings.Section.Name} section trains nothing: it has no steps or learning rate.");

    /// <summary>
    /// Runs <paramref name="settings"/>' section as a script runs: <c>torch.manual_seed(seed)</c> first, then the section's
    /// code, with every tensor it makes outside its training steps released when it returns.
    /// </summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="progress">Receives logged steps; may be null.</param>
    /// <param name="output">Where a section that shows tensors writes; nothing is written when null.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <returns>The section's result, with what <c>--load</c>/<c>--save</c> did among its notes.</returns>
    public static SectionResult Run(RunSettings settings, IProgress<TrainingProgress>? progress = null, TextWriter? output = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Run(new SectionContext(settings, progress, output, cancellationToken));
    }

    /// <summary>
    /// Runs the section as the public <c>Run</c> does, but hands each of its training runs to <paramref name="loop"/>, with the
    /// <see cref="TrainingLoop"/> it would run and the section's own step, instead of running it: the benchmarks time the
    /// section's steps in that loop and in a plain one.
    /// </summary>
    internal static SectionResult Run(RunSettings settings, Func<TrainingLoop, Func<int, torch.Tensor>, TrainingResult> loop)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loop);
        return Run(new SectionContext(settings, progress: null, output: null, CancellationToken.None, loop));
    }

    private static SectionResult Run(SectionContext context)
    {
        var settings = context.Settings;
        torch.manual_seed(settings.Seed);
        using (torch.NewDisposeScope())
        {
            var result = settings.Section.Run(context);
            return context.checkpointNotes.Count == 0 ? result : result with { Notes = [.. result.Notes, .. context.checkpointNotes] };
        }
    }

    /// <summary>
    /// Runs <c>for t in range(steps)</c> over <paramref name="step"/>, each step in its own DisposeScope; logged steps go
    /// to <see cref="Progress"/>.
    /// </summary>
    public TrainingResult Train(Func<int, torch.Tensor> step) => Train(step, Progress);

    /// <summary>Runs the steps as <see cref="Train(Func{int, torch.Tensor})"/> does, reporting to <paramref name="progress"/> instead.</summary>
    public TrainingResult Train(Func<int, torch.Tensor> step, IProgress<TrainingProgress>? progress)
    {
        var trainingLoop = new TrainingLoop(Training);
        return loop is null ? trainingLoop.Run(step, progress, CancellationToken) : loop(trainingLoop, step);
    }

    /// <summary>
    /// <c>--load FILE</c>: restores the model's weights (and the optimizer's state, where the file has it) before training.
    /// Does nothing without <c>--load</c>. On a bad file the model is left untouched.
    /// </summary>
    /// <exception cref="CheckpointOptionException">The file is missing, corrupt, or holds another model.</exception>
    public void LoadCheckpoint(torch.nn.Module model, torch.optim.Optimizer? optimizer = null)
    {
        if (Settings.Checkpoints.LoadPath is not { } path)
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
        if (Settings.Checkpoints.SavePath is not { } path)
        {
            return;
        }

        try
        {
            var summary = Checkpoint.Save(path, model, optimizer);
            checkpointNotes.Add($"saved {summary.TensorCount} tensors to {path} ({summary.Format})" +
                (optimizer is null ? string.Empty
                    : summary.IncludesOptimizerState ? " with the optimizer's state"
                    : summary.Format == CheckpointFormat.SafeTensors ? " without the optimizer's state (the format holds weights only)"
                    : " without the optimizer's state (it keeps none: the file is the bare state_dict)"));
        }
        catch (CheckpointException ex)
        {
            throw new CheckpointOptionException("--save", ex);
        }
    }
}
