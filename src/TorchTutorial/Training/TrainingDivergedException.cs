namespace TorchTutorial.Training;

/// <summary>Thrown when the loss becomes NaN or infinite; the message names the step and the learning rate.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The 0-based step whose loss was not finite.</param>
    /// <param name="loss">The loss value (NaN or ±infinity).</param>
    /// <param name="learningRate">The learning rate in use.</param>
    /// <param name="partialResult">The steps that completed before, with their losses.</param>
    public TrainingDivergedException(int step, double loss, double learningRate, TrainingResult partialResult)
        : base($"Training diverged: the loss became {Describe(loss)} at step {step} with learning rate {learningRate:R}. " +
               "Lower the learning rate (--lr) and run again.")
    {
        Step = step;
        Loss = loss;
        LearningRate = learningRate;
        PartialResult = partialResult;
    }

    /// <summary>The 0-based step whose loss was not finite.</summary>
    public int Step { get; }

    /// <summary>The loss value: NaN or ±infinity.</summary>
    public double Loss { get; }

    /// <summary>The learning rate in use.</summary>
    public double LearningRate { get; }

    /// <summary>The steps that completed before the loss stopped being finite.</summary>
    public TrainingResult PartialResult { get; }

    private static string Describe(double loss) => double.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity";
}
