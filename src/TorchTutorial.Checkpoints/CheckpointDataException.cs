namespace TorchTutorial.Checkpoints;

/// <summary>
/// Thrown inside the format readers and validators; <see cref="Checkpoint"/> turns it into a
/// <see cref="CheckpointException"/> that names the file and the format.
/// </summary>
internal sealed class CheckpointDataException(CheckpointProblem problem, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>What went wrong.</summary>
    public CheckpointProblem Problem { get; } = problem;

    /// <summary>A <see cref="CheckpointProblem.Truncated"/> error.</summary>
    public static CheckpointDataException Truncated(string message) => new(CheckpointProblem.Truncated, message);

    /// <summary>A <see cref="CheckpointProblem.Corrupt"/> error.</summary>
    public static CheckpointDataException Corrupt(string message) => new(CheckpointProblem.Corrupt, message);
}
