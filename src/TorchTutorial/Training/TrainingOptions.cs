namespace TorchTutorial.Training;

/// <summary>How long to train and how often to report.</summary>
public sealed record TrainingOptions
{
    /// <summary>Creates options; every value is checked here so a bad one fails before any work is done.</summary>
    /// <param name="steps">The number of steps (the tutorial's <c>range(500)</c>); positive.</param>
    /// <param name="learningRate">The learning rate the step uses; positive and finite. Quoted in divergence errors.</param>
    /// <param name="logEvery">Report progress on every step <c>t</c> with <c>t % logEvery == logEvery - 1</c>, as the tutorial's <c>if t % 100 == 99</c>; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public TrainingOptions(int steps, double learningRate, int logEvery = 1)
    {
        Steps = steps > 0 ? steps : throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The number of steps must be a positive integer, not {steps}.");
        LearningRate = double.IsFinite(learningRate) && learningRate > 0
            ? learningRate
            : throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"The learning rate must be a positive finite number, not {learningRate}.");
        LogEvery = logEvery > 0 ? logEvery : throw new ArgumentOutOfRangeException(nameof(logEvery), logEvery, $"The logging interval must be a positive integer, not {logEvery}.");
    }

    /// <summary>The number of steps.</summary>
    public int Steps { get; }

    /// <summary>The learning rate, for messages.</summary>
    public double LearningRate { get; }

    /// <summary>Report progress every this many steps.</summary>
    public int LogEvery { get; }

    /// <summary>True when step <paramref name="t"/> (0-based) is one to report: <c>t % LogEvery == LogEvery - 1</c>.</summary>
    public bool IsLogged(int t) => t % LogEvery == LogEvery - 1;
}
