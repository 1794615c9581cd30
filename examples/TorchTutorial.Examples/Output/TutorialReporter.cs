using TorchTutorial.Examples.Sections;
using TorchTutorial.Output;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>
/// Prints exactly what the Python script prints: <c>print(t, loss.item())</c> per logged step (or, for a section that
/// <see cref="TutorialSection.PrintsOwnLines"/>, the lines it writes), then the script's final line
/// (<see cref="SectionResult.TutorialResult"/>, e.g. <c>Result: y = ...</c>) when it has one; nothing else.
/// </summary>
public sealed class TutorialReporter(TextWriter stdout) : IRunReporter, IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public SectionResult RunSection(RunSettings settings, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(body);
        var result = body(settings.Section.PrintsOwnLines ? null : this, stdout);
        if (result.TutorialResult is { } line)
        {
            stdout.WriteLine(line);
        }

        return result;
    }

    /// <inheritdoc />
    public void Report(TrainingProgress value) => stdout.WriteLine($"{value.Step} {PythonFloat.Repr(value.Loss)}");

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionOutcome> outcomes, bool cancelled) => stdout.Flush();
}
