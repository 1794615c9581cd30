namespace TorchTutorial.Examples.Sections;

/// <summary>The checkpoint files of a run: <c>--load FILE</c> before training, <c>--save FILE</c> after it.</summary>
/// <param name="LoadPath">The checkpoint to start from, or null.</param>
/// <param name="SavePath">Where to save the trained model (and optimizer state), or null.</param>
public sealed record CheckpointFiles(string? LoadPath, string? SavePath)
{
    /// <summary>No checkpoint files.</summary>
    public static CheckpointFiles None { get; } = new(null, null);
}
