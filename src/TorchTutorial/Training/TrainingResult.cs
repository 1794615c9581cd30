namespace TorchTutorial.Training;

/// <summary>What a training run did: every step's loss and how long the steps took.</summary>
public sealed class TrainingResult
{
    private readonly double[] losses;

    internal TrainingResult(double[] losses, int stepsCompleted, int stepsPlanned, TimeSpan elapsed, bool cancelled)
    {
        this.losses = losses;
        StepsCompleted = stepsCompleted;
        StepsPlanned = stepsPlanned;
        Elapsed = elapsed;
        Cancelled = cancelled;
    }

    /// <summary>The loss of every completed step, in order (index = <c>t</c>).</summary>
    public IReadOnlyList<double> Losses => new ArraySegment<double>(losses, 0, StepsCompleted);

    /// <summary>The number of steps that ran to completion.</summary>
    public int StepsCompleted { get; }

    /// <summary>The number of steps asked for.</summary>
    public int StepsPlanned { get; }

    /// <summary>The time spent in the steps (excluding set-up before the first one).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when cancellation stopped the run before <see cref="StepsPlanned"/>.</summary>
    public bool Cancelled { get; }

    /// <summary>The first step's loss, or NaN when no step completed.</summary>
    public double FirstLoss => StepsCompleted > 0 ? losses[0] : double.NaN;

    /// <summary>The last completed step's loss, or NaN when no step completed.</summary>
    public double FinalLoss => StepsCompleted > 0 ? losses[StepsCompleted - 1] : double.NaN;

    /// <summary>The mean time per completed step.</summary>
    public TimeSpan TimePerStep => StepsCompleted > 0 ? Elapsed / StepsCompleted : TimeSpan.Zero;
}
