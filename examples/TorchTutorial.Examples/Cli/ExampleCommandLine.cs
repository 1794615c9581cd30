using System.CommandLine;
using TorchTutorial.Data;
using TorchTutorial.Devices;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Runtime;
using TorchTutorial.Training;

namespace TorchTutorial.Examples.Cli;

/// <summary>
/// The command line: <c>SECTION [--device D] [--seed N] [--steps N] [--batch N --input N --hidden N --output N]
/// [--lr X] [--threads N] [--log-every N] [--format text|tutorial|json] [--plot FILE]</c>.
/// </summary>
public sealed class ExampleCommandLine
{
    private readonly Argument<string> section = new("section")
    {
        Description = "The section to run: " + string.Join(", ", SectionCatalog.Names),
    };

    private readonly Option<string> device = new("--device")
    {
        Description = $"Where to compute: {DeviceSelection.Accepted} (CUDA when available, else CPU)",
        DefaultValueFactory = _ => "cpu",
    };

    private readonly Option<long> seed = new("--seed") { Description = "torch.manual_seed before the section creates anything", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> steps = new("--steps") { Description = "Training steps (default: the script's own: 500 for the two-layer net, 2000 for the polynomials, 30000 for poly-dynamic)" };
    private readonly Option<int> batch = new("--batch") { Description = "N, the batch size", DefaultValueFactory = _ => NetworkSizes.Tutorial.Batch };
    private readonly Option<int> input = new("--input") { Description = "D_in, the input dimension", DefaultValueFactory = _ => NetworkSizes.Tutorial.Input };
    private readonly Option<int> hidden = new("--hidden") { Description = "H, the hidden dimension", DefaultValueFactory = _ => NetworkSizes.Tutorial.Hidden };
    private readonly Option<int> output = new("--output") { Description = "D_out, the output dimension", DefaultValueFactory = _ => NetworkSizes.Tutorial.Output };
    private readonly Option<double?> lr = new("--lr") { Description = "Learning rate (default: the script's own)" };
    private readonly Option<int> threads = new("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => RunSettings.DefaultThreads };
    private readonly Option<int?> logEvery = new("--log-every") { Description = "Print the loss every N steps, on t % N == N - 1 (default: the script's own: 1 for the two-layer net, 100 for the polynomials, 2000 for poly-dynamic)" };
    private readonly Option<string> format = new("--format") { Description = "text, tutorial (exactly the Python script's output) or json", DefaultValueFactory = _ => "text" };
    private readonly Option<string?> plot = new("--plot") { Description = "Draw the loss curve to FILE (.png or .svg)" };
    private readonly Option<string> dtype = new("--dtype") { Description = "float32 (the tutorial's) or float64", DefaultValueFactory = _ => "float32" };
    private readonly Option<string?> save = new("--save") { Description = "After training, save the model (and optimizer state) to FILE: .pt/.pth PyTorch, .safetensors, anything else TorchSharp's format" };
    private readonly Option<string?> load = new("--load") { Description = "Before training, load the model (and optimizer state) from FILE (format by extension, as --save)" };
    private readonly Option<string?> compare = new("--compare") { Description = "Compare the losses with FILE, a PyTorch run's output ('t loss' lines); exit 5 above --tolerance" };
    private readonly Option<bool> fused = new("--fused") { Description = "optim: fused Adam (torch.optim.Adam(fused=True)), libtorch's one-pass kernel: a faster step; losses agree with plain Adam to round-off, not bit for bit" };
    private readonly Option<double> tolerance = new("--tolerance") { Description = "Largest relative deviation --compare accepts", DefaultValueFactory = _ => RunSettings.DefaultTolerance };

    /// <summary>Builds the command.</summary>
    public ExampleCommandLine()
    {
        Root = new RootCommand("Learning PyTorch with Examples, in C# on TorchSharp. Runs one tutorial section, or all of them.")
        {
            section, device, seed, steps, batch, input, hidden, output, lr, threads, logEvery, format, plot, compare, tolerance, dtype, save, load, fused,
        };
    }

    /// <summary>The System.CommandLine root command (for help).</summary>
    public RootCommand Root { get; }

    /// <summary>
    /// Parses and validates <paramref name="args"/>, then resolves them once into the settings of every section to run,
    /// each section's own defaults applied where an option is not given. Resolving the device loads libtorch; that is
    /// the last step, so bad input never waits for it.
    /// </summary>
    /// <returns>One <see cref="RunSettings"/> per section (all of them for <c>all</c>), or null when the user asked for help
    /// or the version (already printed).</returns>
    /// <exception cref="UsageException">The input is bad; the message is one line.</exception>
    /// <exception cref="DeviceUnavailableException">The device is well-formed but cannot be used here.</exception>
    /// <exception cref="Runtime.TorchRuntimeException">libtorch could not be loaded.</exception>
    public IReadOnlyList<RunSettings>? Parse(string[] args, TextWriter helpOutput)
    {
        var result = Root.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new UsageException(result.Errors[0].Message);
        }

        if (result.Action is not null)   // --help or --version: the root command has no action of its own
        {
            result.Invoke(new InvocationConfiguration { Output = helpOutput });
            return null;
        }

        string name = result.GetValue(section)!;
        var single = SectionCatalog.Find(name);
        if (single is null && !name.Equals(SectionCatalog.All, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"Unknown section '{name}'. Choose one of: {string.Join(", ", SectionCatalog.Names)}.");
        }

        DeviceRequest deviceRequest;
        try
        {
            deviceRequest = DeviceSelection.Parse(result.GetValue(device)!);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(FirstSentence(ex));
        }

        string? plotFile = result.GetValue(plot);
        if (plotFile is not null)
        {
            string extension = Path.GetExtension(plotFile).ToLowerInvariant();
            if (extension is not (".png" or ".svg"))
            {
                throw new UsageException($"--plot '{plotFile}': the file must end in .png or .svg.");
            }

            string? directory = Path.GetDirectoryName(Path.GetFullPath(plotFile));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new UsageException($"--plot '{plotFile}': the folder '{directory}' does not exist.");
            }
        }

        var checkpoints = new CheckpointFiles(result.GetValue(load), result.GetValue(save));
        if (checkpoints.LoadPath is not null || checkpoints.SavePath is not null)
        {
            string option = checkpoints.LoadPath is not null ? "--load" : "--save";
            if (single is not { SavesCheckpoints: true })
            {
                throw new UsageException($"{option} needs one section that trains a model: " +
                    $"{string.Join(", ", SectionCatalog.Sections.Where(s => s.SavesCheckpoints).Select(s => s.Name))}; not '{name}'.");
            }

            if (checkpoints.LoadPath is { } loadPath && !File.Exists(loadPath))
            {
                throw new UsageException($"--load '{loadPath}': no such file.");
            }

            if (checkpoints.SavePath is { } savePath && Path.GetDirectoryName(Path.GetFullPath(savePath)) is { } saveFolder && !Directory.Exists(saveFolder))
            {
                throw new UsageException($"--save '{savePath}': the folder '{saveFolder}' does not exist.");
            }
        }

        string? compareFile = result.GetValue(compare);
        double toleranceValue = result.GetValue(tolerance);
        if (!(double.IsFinite(toleranceValue) && toleranceValue > 0))
        {
            throw new UsageException($"--tolerance must be a positive finite number, not {toleranceValue}.");
        }

        if (compareFile is not null)
        {
            if (single is not { Trains: true })
            {
                throw new UsageException($"--compare needs one training section, not '{name}'.");
            }

            if (!File.Exists(compareFile))
            {
                throw new UsageException($"--compare '{compareFile}': no such file.");
            }
        }

        // Every value is checked once, by the type that holds it; the message then names the option.
        var sizes = Checked(() => new NetworkSizes(result.GetValue(batch), result.GetValue(input), result.GetValue(hidden), result.GetValue(output)));
        var (stepsGiven, lrGiven, everyGiven) = (result.GetValue(steps), result.GetValue(lr), result.GetValue(logEvery));
        IReadOnlyList<TutorialSection> sections = single is null ? SectionCatalog.Sections : [single];
        if ((stepsGiven is not null || lrGiven is not null || everyGiven is not null) && !sections.Any(s => s.Trains))
        {
            throw new UsageException($"--steps, --lr and --log-every apply to training sections; '{name}' trains nothing.");
        }

        var training = sections.ToDictionary(s => s, s => s.Training is { } defaults
            ? Checked(() => new TrainingOptions(stepsGiven ?? defaults.Steps, lrGiven ?? defaults.LearningRate, everyGiven ?? defaults.LogEvery))
            : null);
        bool fusedAdam = result.GetValue(fused);
        if (fusedAdam && single?.Name != "optim")
        {
            throw new UsageException($"--fused switches the optim section's Adam to the fused kernel; '{name}' is not optim.");
        }

        int threadCount = result.GetValue(threads);
        if (threadCount <= 0)
        {
            throw new UsageException($"--threads must be a positive integer, not {threadCount}.");
        }

        var outputFormat = ParseFormat(result.GetValue(format)!);
        var elementType = ParseDType(result.GetValue(dtype)!);

#if TORCHTUTORIAL_EXTERNAL_LIBTORCH
        ExternalLibtorch.EnsureLoaded();   // the GPU bundle: the PyTorch install's libtorch, named by TORCHTUTORIAL_LIBTORCH
#else
        TorchRuntime.EnsureLoaded();
#endif
        var chosenDevice = DeviceSelection.Select(deviceRequest);
        return sections
            .Select(s => new RunSettings(s, chosenDevice, result.GetValue(seed), sizes, elementType, training[s],
                threadCount, outputFormat, plotFile, compareFile, toleranceValue, checkpoints) { FusedAdam = fusedAdam })
            .ToArray();
    }

    /// <summary>Creates a value whose constructor validates it; an out-of-range argument becomes a usage error naming its option.</summary>
    private static T Checked<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            string option = ex.ParamName switch
            {
                "learningRate" => "--lr",
                "logEvery" => "--log-every",
                { } parameter => "--" + parameter,
                null => "an option",
            };
            throw new UsageException($"{option}: {FirstSentence(ex)}");
        }
    }

    private static OutputFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "text" => OutputFormat.Text,
        "tutorial" => OutputFormat.Tutorial,
        "json" => OutputFormat.Json,
        _ => throw new UsageException($"--format must be text, tutorial or json, not '{text}'."),
    };

    private static TorchSharp.torch.ScalarType ParseDType(string text) => text.ToLowerInvariant() switch
    {
        "float32" or "float" => TorchSharp.torch.ScalarType.Float32,
        "float64" or "double" => TorchSharp.torch.ScalarType.Float64,
        _ => throw new UsageException($"--dtype must be float32 or float64, not '{text}'."),
    };

    private static string FirstSentence(ArgumentException ex)
    {
        // ArgumentException appends " (Parameter 'x')"; the CLI shows only the sentence.
        string message = ex.Message;
        int parameter = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return parameter < 0 ? message : message[..parameter];
    }
}
