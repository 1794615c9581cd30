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
    public SectionResult RunSection(SectionRun run, Func<IProgress<TrainingProgress>?, TextWriter, SectionResult> body)
    {
        stdout.WriteLine();
        stdout.WriteLine($"== {run.Section.Name}: {run.Section.Title}");
        string training = run.Section.Trains ? FormattableString.Invariant($"{run.Steps} steps, lr {PythonFloat.Repr(run.LearningRate)}, ") : string.Empty;
        stdout.WriteLine(FormattableString.Invariant($"   ports {run.Section.Script}; device {run.Device}, {run.Section.DescribeData(run.Sizes)}, {training}seed {run.Seed}, {run.Threads} thread(s){(run.DType == TorchSharp.torch.ScalarType.Float64 ? ", float64" : string.Empty)}"));
        stdout.Flush();

        if (!interactive || !run.Section.Trains)
        {
            return body(new LineProgress(stdout), stdout);
        }

        SectionResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(run.Section.Name, maxValue: run.Steps);
                result = body(new BarProgress(task), TextWriter.Null);
            });
        return result!;
    }

    /// <inheritdoc />
    public void Complete(IReadOnlyList<SectionRun> runs, bool cancelled)
    {
        stdout.WriteLine();
        foreach (var run in runs)
        {
            foreach (var note in run.Result?.Notes ?? [])
            {
                stdout.WriteLine($"{run.Section.Name}: {note}");
            }

            if (run.Result?.TutorialResult is { } line)
            {
                stdout.WriteLine($"{run.Section.Name}: {line}");
            }
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("section").AddColumn("device").AddColumn(new TableColumn("steps").RightAligned())
            .AddColumn(new TableColumn("first loss").RightAligned()).AddColumn(new TableColumn("final loss").RightAligned())
            .AddColumn(new TableColumn("ms/step").RightAligned());
        foreach (var run in runs)
        {
            var training = run.Result?.Training;
            table.AddRow(
                run.Section.Name,
                run.Device,
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

    private sealed class BarProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.Value = value.Step + 1;
            task.Description = string.Create(CultureInfo.InvariantCulture, $"step {value.Step,6}  loss {value.Loss,12:G6}");
        }
    }
}
