namespace TorchTutorial.Checkpoints;

/// <summary>
/// The one exception <see cref="Checkpoint.Save"/> and <see cref="Checkpoint.Load"/> throw for anything wrong with a
/// checkpoint file or its contents. The message names the file, the format and the problem; when loading fails the
/// model and the optimizer are unchanged, bit for bit.
/// </summary>
/// <param name="message">The full, actionable message.</param>
/// <param name="path">The checkpoint file.</param>
/// <param name="format">The format the file was read or written in.</param>
/// <param name="problem">What went wrong.</param>
/// <param name="innerException">The underlying exception, when there is one.</param>
public sealed class CheckpointException(string message, string path, CheckpointFormat format, CheckpointProblem problem, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The checkpoint file.</summary>
    public string Path { get; } = path;

    /// <summary>The format the file was read or written in.</summary>
    public CheckpointFormat Format { get; } = format;

    /// <summary>What went wrong.</summary>
    public CheckpointProblem Problem { get; } = problem;
}
