using System.Text.Json;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>
/// Prints one JSON report: the options, every logged loss, the final loss, the time per step, and the script's final
/// line (<c>tutorialResult</c>, null when it prints none).
/// </summary>
public sealed class JsonReporter(TextWriter stdout) : IRunReporter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <inheritdoc />
    public SectionResult RunSection(SectionRun run, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body) =>
        body(null, TextWriter.Null);

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionRun> runs, bool cancelled)
    {
        object report = runs.Count == 1
            ? Describe(runs[0], cancelled)
            : new { section = SectionCatalog.All, cancelled, sections = runs.Select(r => Describe(r, cancelled)).ToArray() };
        stdout.WriteLine(JsonSerializer.Serialize(report, Indented));
    }

    private static object Describe(SectionRun run, bool cancelled)
    {
        var training = run.Result?.Training;
        return new
        {
            section = run.Section.Name,
            script = run.Section.Script,
            options = new
            {
                device = run.Device,
                seed = run.Seed,
                steps = run.Steps,
                batch = run.Sizes.Batch,
                input = run.Sizes.Input,
                hidden = run.Sizes.Hidden,
                output = run.Sizes.Output,
                lr = run.LearningRate,
                threads = run.Threads,
                logEvery = run.LogEvery,
                dtype = run.DType == TorchSharp.torch.ScalarType.Float64 ? "float64" : "float32",
            },
            stepsCompleted = training?.StepsCompleted ?? 0,
            cancelled = training?.Cancelled ?? cancelled,
            losses = training is null
                ? []
                : Enumerable.Range(0, training.StepsCompleted)
                    .Where(t => IsLogged(t, run))
                    .Select(t => new { step = t, loss = training.Losses[t] })
                    .ToArray(),
            firstLoss = training is null ? (double?)null : training.FirstLoss,
            finalLoss = training is null ? (double?)null : training.FinalLoss,
            timePerStepMs = training?.TimePerStep.TotalMilliseconds,
            notes = run.Result?.Notes ?? [],
            tutorialResult = run.Result?.TutorialResult,
        };
    }

    private static bool IsLogged(int t, SectionRun run) => new TrainingOptions(run.Steps, run.LearningRate, run.LogEvery).IsLogged(t);
}
