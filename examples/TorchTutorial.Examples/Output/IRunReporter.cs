using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>Prints a run in one of the <see cref="Cli.OutputFormat"/>s.</summary>
public interface IRunReporter
{
    /// <summary>
    /// Runs one section: <paramref name="body"/> gets the progress sink and text output this format wants,
    /// and the reporter prints whatever belongs around it (header, progress bar).
    /// </summary>
    SectionResult RunSection(RunSettings settings, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body);

    /// <summary>Prints the end of the run: a summary, a JSON document, or nothing.</summary>
    /// <param name="outcomes">The sections that ran, in order.</param>
    /// <param name="cancelled">True when Ctrl+C stopped the run early.</param>
    void Complete(IReadOnlyList<SectionOutcome> outcomes, bool cancelled);
}
