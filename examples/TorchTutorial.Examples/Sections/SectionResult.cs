using TorchTutorial.Training;

namespace TorchTutorial.Examples.Sections;

/// <summary>What a section produced: its training run (if it trains) and any facts it wants in the summary.</summary>
/// <param name="Section">The section's name.</param>
/// <param name="Training">The training run; null for sections that do not train.</param>
/// <param name="Notes">Lines for the summary, such as the static-graph timing comparison.</param>
public sealed record SectionResult(string Section, TrainingResult? Training, IReadOnlyList<string> Notes)
{
    /// <summary>A result with a training run and no notes.</summary>
    public static SectionResult Of(string section, TrainingResult training) => new(section, training, []);
}
