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
        ExampleOptions? options;
        try
        {
            options = new ExampleCommandLine().Parse(args, stdout);
        }
        catch (UsageException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }

        if (options is null)
        {
            return ExitCodes.Success;
        }

        IReadOnlyDictionary<int, double>? reference = null;
        if (options.CompareFile is not null)
        {
            try
            {
                reference = TutorialOutputFile.Read(options.CompareFile);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return Fail(ExitCodes.Usage, $"--compare: {ex.Message}");
            }
        }

        torch.Device device;
        try
        {
            TorchRuntime.EnsureLoaded();
            device = DeviceSelection.Select(options.Device);
        }
        catch (TorchRuntimeException ex)
        {
            return Fail(ExitCodes.NativeRuntime, ex.Message);
        }
        catch (DeviceUnavailableException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }

        torch.set_num_threads(options.Threads);
        IRunReporter reporter = options.Format switch
        {
            OutputFormat.Tutorial => new TutorialReporter(stdout),
            OutputFormat.Json => new JsonReporter(stdout),
            _ => new TextReporter(stdout, interactive),
        };

        var sections = options.Section == SectionCatalog.All ? SectionCatalog.Sections : [SectionCatalog.Find(options.Section)!];
        var runs = new List<SectionRun>();
        foreach (var section in sections)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            // Options not given take the section's own values, so `all` runs every script as written.
            var run = new SectionRun(section, device.ToString(), options.Sizes, options.Steps ?? section.DefaultSteps,
                options.LearningRate ?? section.DefaultLearningRate, options.Seed, options.Threads, options.LogEvery ?? section.DefaultLogEvery, options.DType);
            runs.Add(run);
            try
            {
                run.Result = reporter.RunSection(run, (progress, output) =>
                {
                    torch.manual_seed(options.Seed);
                    var context = new SectionContext(options.Sizes, new TrainingOptions(run.Steps, run.LearningRate, run.LogEvery),
                        device, options.Seed, progress, output, cancellationToken, options.DType, options.Checkpoints, options.FusedOptimizer);
                    var result = section.Run(context);
                    return context.CheckpointNotes.Count == 0 ? result : result with { Notes = [.. result.Notes, .. context.CheckpointNotes] };
                });
            }
            catch (TrainingDivergedException ex)
            {
                stdout.Flush();
                return Fail(ExitCodes.Diverged, $"{section.Name}: {ex.Message}");
            }
            catch (CheckpointOptionException ex)
            {
                // A bad --load file is bad input; a --save that could not be written is a failed output (the old file is intact).
                stdout.Flush();
                return Fail(ex.Option == "--load" ? ExitCodes.Usage : ExitCodes.OutputFailed, ex.Message);
            }
        }

        bool cancelled = cancellationToken.IsCancellationRequested;
        reporter.Complete(runs, cancelled);
        if (options.PlotFile is not null && !TrySavePlot(options.PlotFile, runs))
        {
            return ExitCodes.OutputFailed;
        }

        if (cancelled)
        {
            return ExitCodes.Cancelled;
        }

        return reference is null ? ExitCodes.Success : CompareWithReference(options, reference, runs[0]);
    }

    private int CompareWithReference(ExampleOptions options, IReadOnlyDictionary<int, double> reference, SectionRun run)
    {
        var training = run.Result!.Training!;
        var trainingOptions = new TrainingOptions(run.Steps, run.LearningRate, run.LogEvery);
        var logged = Enumerable.Range(0, training.StepsCompleted).Where(trainingOptions.IsLogged).ToDictionary(t => t, t => training.Losses[t]);
        LossDeviation deviation;
        try
        {
            deviation = LossComparison.Compare(reference, logged);
        }
        catch (ArgumentException ex)
        {
            return Fail(ExitCodes.Usage, $"--compare '{options.CompareFile}': {ex.Message} Run both with the same --steps and --log-every.");
        }

        string verdict = FormattableString.Invariant(
            $"compare: worst relative deviation {deviation.Worst:E3}{(deviation.WorstStep >= 0 ? $" at step {deviation.WorstStep}" : string.Empty)} over {deviation.StepsCompared} of {deviation.StepsInReference} steps (tolerance {options.Tolerance:E1})");
        if (deviation.Worst > options.Tolerance)
        {
            return Fail(ExitCodes.ParityFailed, verdict + ": ABOVE the tolerance.");
        }

        (options.Format == OutputFormat.Text ? stdout : stderr).WriteLine(verdict + ": within the tolerance.");
        return ExitCodes.Success;
    }

    private bool TrySavePlot(string path, IReadOnlyList<SectionRun> runs)
    {
        var curves = runs
            .Where(r => r.Result?.Training is { StepsCompleted: > 0 })
            .Select(r => (r.Section.Name, r.Result!.Training!.Losses))
            .ToList();
        if (curves.Count == 0)
        {
            Fail(ExitCodes.OutputFailed, $"--plot '{path}': no training steps to plot (the clamp section does not train).");
            return false;
        }

        try
        {
            string title = curves.Count == 1 ? $"{runs[0].Section.Name}: loss per step ({runs[0].Section.Script})" : "Learning PyTorch with Examples: loss per step";
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
