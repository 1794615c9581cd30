using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>Prints exactly what the Python script prints: <c>print(t, loss.item())</c> per logged step, nothing else.</summary>
public sealed class TutorialReporter(TextWriter stdout) : IRunReporter, IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public SectionResult RunSection(SectionRun run, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body) =>
        body(this, stdout);

    /// <inheritdoc />
    public void Report(TrainingProgress value) => stdout.WriteLine($"{value.Step} {PythonFloat.Repr(value.Loss)}");

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionRun> runs, bool cancelled) => stdout.Flush();
}
