using TorchTutorial.Training;

namespace TorchTutorial.Examples.Sections;

/// <summary>What a section produced: its training run (if it trains) and any facts it wants in the summary.</summary>
/// <param name="Training">The training run; null for sections that do not train.</param>
/// <param name="Notes">Lines for the summary, such as the static-graph timing comparison.</param>
public sealed record SectionResult(TrainingResult? Training, IReadOnlyList<string> Notes)
{
    /// <summary>
    /// The line the Python script prints after its loop, exactly as it prints it (e.g.
    /// <c>Result: y = 0.0586... + 0.837... x + ...</c>); null when the script prints nothing after the losses.
    /// </summary>
    public string? TutorialResult { get; init; }

    /// <summary>A result with a training run and no notes.</summary>
    public static SectionResult Of(TrainingResult training) => new(training, []);

    /// <summary>A result with a training run, no notes, and the script's final line.</summary>
    public static SectionResult Of(TrainingResult training, string tutorialResult) => new(training, []) { TutorialResult = tutorialResult };
}
