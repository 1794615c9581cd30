using TorchTutorial.Checkpoints;

namespace TorchTutorial.Examples.Sections;

/// <summary>A <see cref="CheckpointException"/> from <c>--load</c> or <c>--save</c>, with the option it came from.</summary>
public sealed class CheckpointOptionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="option"><c>--load</c> or <c>--save</c>.</param>
    /// <param name="inner">What the checkpoint code reported.</param>
    public CheckpointOptionException(string option, CheckpointException inner)
        : base($"{option}: {inner.Message}", inner)
    {
        Option = option;
    }

    /// <summary><c>--load</c> or <c>--save</c>.</summary>
    public string Option { get; }
}
