using TorchTutorial.Output;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>
/// Prints exactly what the Python script prints: <c>print(t, loss.item())</c> per logged step, then the script's final
/// line (<see cref="SectionResult.TutorialResult"/>, e.g. <c>Result: y = ...</c>) when it has one; nothing else.
/// </summary>
public sealed class TutorialReporter(TextWriter stdout) : IRunReporter, IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public SectionResult RunSection(RunSettings settings, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var result = body(this, stdout);
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
