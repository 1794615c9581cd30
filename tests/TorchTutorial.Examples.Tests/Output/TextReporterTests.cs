using Spectre.Console;
using TorchTutorial.Examples.Output;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Tests.Output;

/// <summary>The default format's progress bar on a terminal.</summary>
public sealed class TextReporterTests
{
    [Test]
    public void TheProgressBar_IsDrawnDuringTheRun_OnlyFromTheTrainingThread()
    {
        // Spectre's auto refresh would draw from a thread of its own; a thread that allocates while a step is inside
        // libtorch can let the GC finalize a Scalar that TorchSharp's Adam is still reading (docs/memory.md).
        var terminal = new ThreadRecordingWriter();
        var saved = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        int trainingThread = Environment.CurrentManagedThreadId;
        string drawnDuringRun = string.Empty;
        try
        {
            var reporter = new TextReporter(TextWriter.Null, interactive: true);
            var settings = RunSettings.Defaults(SectionCatalog.Get("optim")) with { Training = new TrainingOptions(steps: 5, learningRate: 1e-4, logEvery: 1) };
            reporter.RunSection(settings, (progress, _) =>
            {
                for (int t = 0; t < 5; t++)
                {
                    progress!.Report(new TrainingProgress(t, 1.0 / (t + 1), 5, TimeSpan.Zero));
                    Thread.Sleep(150);   // longer than Spectre's 100 ms refresh period: auto refresh would draw meanwhile
                }

                drawnDuringRun = terminal.ToString();
                return new SectionResult(null, []);
            });
        }
        finally
        {
            AnsiConsole.Console = saved;
        }

        Assert.That(drawnDuringRun, Does.Contain("step      3"), "the bar was not redrawn while the section ran");
        Assert.That(terminal.Writes.Distinct(), Is.EqualTo(new[] { trainingThread }), "the bar was drawn from another thread");
    }

    /// <summary>Records which thread made each write.</summary>
    private sealed class ThreadRecordingWriter : StringWriter
    {
        public List<int> Writes { get; } = [];

        public override void Write(char value)
        {
            Record();
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Record();
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Record();
            base.Write(buffer, index, count);
        }

        private void Record()
        {
            lock (Writes)
            {
                Writes.Add(Environment.CurrentManagedThreadId);
            }
        }
    }
}
