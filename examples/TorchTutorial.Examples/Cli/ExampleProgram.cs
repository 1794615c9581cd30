using TorchSharp;
using TorchTutorial.Devices;
using TorchTutorial.Examples.Output;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Runtime;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Cli;

/// <summary>
/// The console program: parses the command line, loads libtorch, picks the device, runs the section(s) with the
/// chosen reporter, and maps every failure to one line on stderr and an exit code (see <see cref="ExitCodes"/>).
/// </summary>
public sealed class ExampleProgram
{
    private readonly TextWriter stdout;
    private readonly TextWriter stderr;
    private readonly bool interactive;

    /// <summary>Creates the program over the given streams.</summary>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="interactive">True when stdout is a terminal (progress bars instead of scrolling).</param>
    public ExampleProgram(TextWriter stdout, TextWriter stderr, bool interactive)
    {
        this.stdout = stdout;
        this.stderr = stderr;
        this.interactive = interactive;
    }

    /// <summary>Runs the program.</summary>
    /// <returns>The process exit code.</returns>
    public int Run(string[] args, CancellationToken cancellationToken)
    {
        IReadOnlyList<RunSettings>? runs;
        try
        {
            runs = new ExampleCommandLine().Parse(args, stdout);
        }
        catch (UsageException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }
        catch (TorchRuntimeException ex)
        {
            return Fail(ExitCodes.NativeRuntime, ex.Message);
        }
        catch (DeviceUnavailableException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }

        if (runs is null)
        {
            return ExitCodes.Success;
        }

        // Everything below is the same for every section of the run.
        var common = runs[0];
        IReadOnlyDictionary<int, double>? reference = null;
        if (common.CompareFile is not null)
        {
            try
            {
                reference = TutorialOutputFile.Read(common.CompareFile);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return Fail(ExitCodes.Usage, $"--compare: {ex.Message}");
            }
        }

        torch.set_num_threads(common.Threads);
        IRunReporter reporter = common.Format switch
        {
            OutputFormat.Tutorial => new TutorialReporter(stdout),
            OutputFormat.Json => new JsonReporter(stdout),
            _ => new TextReporter(stdout, interactive),
        };

        var outcomes = new List<SectionOutcome>();
        foreach (var settings in runs)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                var result = reporter.RunSection(settings, (progress, output) => SectionContext.Run(settings, progress, output, cancellationToken));
                outcomes.Add(new SectionOutcome(settings, result));
            }
            catch (TrainingDivergedException ex)
            {
                stdout.Flush();
                return Fail(ExitCodes.Diverged, $"{settings.Section.Name}: {ex.Message}");
            }
            catch (CheckpointOptionException ex)
            {
                // A bad --load file is bad input; a --save that could not be written is a failed output (the old file is intact).
                stdout.Flush();
                return Fail(ex.Option == "--load" ? ExitCodes.Usage : ExitCodes.OutputFailed, ex.Message);
            }
        }

        bool cancelled = cancellationToken.IsCancellationRequested;
        reporter.Complete(outcomes, cancelled);
        if (common.PlotFile is not null && !TrySavePlot(common.PlotFile, outcomes))
        {
            return ExitCodes.OutputFailed;
        }

        if (cancelled)
        {
            return ExitCodes.Cancelled;
        }

        return reference is null ? ExitCodes.Success : CompareWithReference(reference, outcomes[0]);
    }

    private int CompareWithReference(IReadOnlyDictionary<int, double> reference, SectionOutcome outcome)
    {
        var (settings, result) = outcome;
        var training = result.Training!;
        var logged = Enumerable.Range(0, training.StepsCompleted).Where(settings.Training!.IsLogged).ToDictionary(t => t, t => training.Losses[t]);
        LossDeviation deviation;
        try
        {
            deviation = LossComparison.Compare(reference, logged);
        }
        catch (ArgumentException ex)
        {
            return Fail(ExitCodes.Usage, $"--compare '{settings.CompareFile}': {ex.Message} Run both with the same --steps and --log-every.");
        }

        string verdict = FormattableString.Invariant(
            $"compare: worst relative deviation {deviation.Worst:E3}{(deviation.WorstStep >= 0 ? $" at step {deviation.WorstStep}" : string.Empty)} over {deviation.StepsCompared} of {deviation.StepsInReference} steps (tolerance {settings.Tolerance:E1})");
        if (deviation.Worst > settings.Tolerance)
        {
            return Fail(ExitCodes.ParityFailed, verdict + ": ABOVE the tolerance.");
        }

        (settings.Format == OutputFormat.Text ? stdout : stderr).WriteLine(verdict + ": within the tolerance.");
        return ExitCodes.Success;
    }

    private bool TrySavePlot(string path, IReadOnlyList<SectionOutcome> outcomes)
    {
        var curves = outcomes
            .Where(o => o.Result.Training is { StepsCompleted: > 0 })
            .Select(o => (o.Settings.Section.Name, o.Result.Training!.Losses))
            .ToList();
        if (curves.Count == 0)
        {
            Fail(ExitCodes.OutputFailed, $"--plot '{path}': no training steps to plot (the clamp section does not train).");
            return false;
        }

        try
        {
            var first = outcomes[0].Settings.Section;
            string title = curves.Count == 1 ? $"{first.Name}: loss per step ({first.Script})" : "Learning PyTorch with Examples: loss per step";
            LossPlot.Save(path, curves, title);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail(ExitCodes.OutputFailed, $"--plot '{path}': could not write the file: {ex.Message}");
            return false;
        }
    }

    private int Fail(int code, string message)
    {
        stderr.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        stderr.Flush();
        return code;
    }
}
