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
    public SectionResult RunSection(RunSettings settings, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body) =>
        body(null, TextWriter.Null);

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionOutcome> outcomes, bool cancelled)
    {
        object report = outcomes.Count == 1
            ? Describe(outcomes[0], cancelled)
            : new { section = SectionCatalog.All, cancelled, sections = outcomes.Select(o => Describe(o, cancelled)).ToArray() };
        stdout.WriteLine(JsonSerializer.Serialize(report, Indented));
    }

    private static object Describe(SectionOutcome outcome, bool cancelled)
    {
        var (settings, result) = outcome;
        var training = result.Training;
        var options = settings.Training;
        return new
        {
            section = settings.Section.Name,
            script = settings.Section.Script,
            options = new
            {
                device = settings.Device.ToString(),
                seed = settings.Seed,
                steps = options?.Steps,
                batch = settings.Sizes.Batch,
                input = settings.Sizes.Input,
                hidden = settings.Sizes.Hidden,
                output = settings.Sizes.Output,
                lr = options?.LearningRate,
                threads = settings.Threads,
                logEvery = options?.LogEvery,
                dtype = settings.DType == TorchSharp.torch.ScalarType.Float64 ? "float64" : "float32",
            },
            libtorchThreads = TorchSharp.torch.get_num_threads(),   // what libtorch really uses after --threads
            stepsCompleted = training?.StepsCompleted ?? 0,
            cancelled = training?.Cancelled ?? cancelled,
            losses = training is null || options is null
                ? []
                : Enumerable.Range(0, training.StepsCompleted)
                    .Where(options.IsLogged)
                    .Select(t => new { step = t, loss = training.Losses[t] })
                    .ToArray(),
            firstLoss = training is null ? (double?)null : training.FirstLoss,
            finalLoss = training is null ? (double?)null : training.FinalLoss,
            timePerStepMs = training?.TimePerStep.TotalMilliseconds,
            notes = result.Notes,
            tutorialResult = result.TutorialResult,
        };
    }
}
