using TorchTutorial.Output;
using System.Globalization;
using Spectre.Console;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Output;

/// <summary>
/// The default format: a header per section, then the losses (or, on a terminal, a progress bar instead of
/// scrolling), then a summary table.
/// </summary>
public sealed class TextReporter : IRunReporter
{
    private readonly TextWriter stdout;
    private readonly bool interactive;

    /// <summary>Creates the reporter.</summary>
    /// <param name="stdout">Where to write when not drawing a progress bar.</param>
    /// <param name="interactive">True to draw progress bars (stdout is a terminal).</param>
    public TextReporter(TextWriter stdout, bool interactive)
    {
        this.stdout = stdout;
        this.interactive = interactive;
    }

    /// <inheritdoc />
    public SectionResult RunSection(RunSettings settings, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var section = settings.Section;
        stdout.WriteLine();
        stdout.WriteLine($"== {section.Name}: {section.Title}");
        string training = settings.Training is { } options ? FormattableString.Invariant($"{options.Steps} steps, lr {PythonFloat.Repr(options.LearningRate)}, ") : string.Empty;
        stdout.WriteLine(FormattableString.Invariant($"   ports {section.Script}; device {settings.Device}, {section.DescribeData(settings.Sizes)}, {training}seed {settings.Seed}, {settings.Threads} thread(s){(settings.DType == TorchSharp.torch.ScalarType.Float64 ? ", float64" : string.Empty)}"));
        stdout.Flush();

        if (!interactive || settings.Training is null)
        {
            return body(new LineProgress(stdout), stdout);
        }

        // No auto refresh: Spectre's would redraw from a thread of its own, and a thread that allocates while a step is
        // in libtorch can let the GC finalize a Scalar that TorchSharp is still reading (docs/memory.md). The bar is
        // redrawn from the training thread instead, between steps.
        SectionResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .AutoRefresh(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(section.Name, maxValue: settings.Training.Steps);
                result = body(new BarProgress(ctx, task), TextWriter.Null);
            });
        return result!;
    }

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionOutcome> outcomes, bool cancelled)
    {
        stdout.WriteLine();
        foreach (var (settings, result) in outcomes)
        {
            foreach (var note in result.Notes)
            {
                stdout.WriteLine($"{settings.Section.Name}: {note}");
            }

            if (result.TutorialResult is { } line)
            {
                stdout.WriteLine($"{settings.Section.Name}: {line}");
            }
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("section").AddColumn("device").AddColumn(new TableColumn("steps").RightAligned())
            .AddColumn(new TableColumn("first loss").RightAligned()).AddColumn(new TableColumn("final loss").RightAligned())
            .AddColumn(new TableColumn("ms/step").RightAligned());
        foreach (var (settings, result) in outcomes)
        {
            var training = result.Training;
            table.AddRow(
                settings.Section.Name,
                settings.Device.ToString(),
                training is null ? "-" : training.StepsCompleted.ToString(CultureInfo.InvariantCulture),
                training is null ? "-" : training.FirstLoss.ToString("G6", CultureInfo.InvariantCulture),
                training is null ? "-" : training.FinalLoss.ToString("G6", CultureInfo.InvariantCulture),
                training is null ? "-" : training.TimePerStep.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Write(table);
        if (cancelled)
        {
            stdout.WriteLine("Stopped by Ctrl+C after the step in progress; the table shows the steps that completed.");
        }

        stdout.Flush();
    }

    private sealed class LineProgress(TextWriter stdout) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => stdout.WriteLine($"{value.Step} {PythonFloat.Repr(value.Loss)}");
    }

    /// <summary>Updates the bar on the training thread and redraws it at most ten times a second (Spectre's own rate).</summary>
    private sealed class BarProgress(ProgressContext context, ProgressTask task) : IProgress<TrainingProgress>
    {
        private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);
        private readonly System.Diagnostics.Stopwatch sinceRefresh = System.Diagnostics.Stopwatch.StartNew();

        public void Report(TrainingProgress value)
        {
            task.Value = value.Step + 1;
            task.Description = string.Create(CultureInfo.InvariantCulture, $"step {value.Step,6}  loss {value.Loss,12:G6}");
            if (sinceRefresh.Elapsed >= RefreshInterval || value.Step + 1 == value.TotalSteps)
            {
                context.Refresh();
                sinceRefresh.Restart();
            }
        }
    }
}
