// The benchmark program. Modes (run-benchmarks.sh runs them all and then `report`):
//   bdn [sections|floors|scaling|threads|loop ...]   BenchmarkDotNet suites (all when none is named)
//   interleaved LABEL [PAIRS]                    facade vs direct, interleaved, plus the bit-for-bit loss check
//   fused [ROUNDS]                               nn, optim and optim --fused side by side in one process
//   facades LABEL                                every section's facade alone (before/after of NativeHeap.Tune)
//   breakdown [LABEL]                            where a step's time goes, phase by phase
//   memory facade|fused|noscope [STEPS]          the memory soak (100,000 steps from step 0 by default)
//   startup LAUNCH_UNIX_NS                       process start to the first finished step
//   catalog                                      the workbench's sections (SectionCatalog) as JSON, for pytorch_steps.py
//   env                                          machine and library facts
//   report RESULTS_DIR OUTPUT_MD                 writes docs/benchmarks.md from the results
// Every timed mode first calls NativeHeap.Tune(), as the examples program does (Suites/Warm.cs); TORCHTUTORIAL_MALLOC_TUNING=0
// turns that off. Results go to $BENCH_RESULTS (default: results/ next to the program, under bin/).
using BenchmarkDotNet.Running;
using TorchTutorial.Benchmarks.Modes;
using TorchTutorial.Benchmarks.Report;
using TorchTutorial.Benchmarks.Suites;
using TorchTutorial.Runtime;

var mainUtc = DateTime.UtcNow;
string mode = args.Length > 0 ? args[0] : "help";
string results = Environment.GetEnvironmentVariable("BENCH_RESULTS") ?? Path.Combine(AppContext.BaseDirectory, "results");
if (mode == "report")
{
    // Needs no libtorch.
    ReportWriter.Write(args.Length > 1 ? args[1] : results, args.Length > 2 ? args[2] : Path.Combine("docs", "benchmarks.md"));
    return 0;
}

if (mode == "catalog")
{
    // Needs no libtorch either: the one list of sections, with their scripts, steps, learning rates and print intervals.
    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(TorchTutorial.Examples.Sections.SectionCatalog.Sections.Select(s => new
    {
        s.Name,
        s.Script,
        Series = s.Series.ToString(),
        s.Training?.Steps,
        s.Training?.LearningRate,
        s.Training?.LogEvery,
    }), TorchTutorial.Benchmarks.Json.Options));
    return 0;
}

if (mode == "startup")
{
    Startup.Run(results, long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), mainUtc);
    return 0;
}

TorchRuntime.EnsureLoaded();
TorchThreads.CaptureDefault();
switch (mode)
{
    case "bdn":
        BenchConfig.ArtifactsDirectory = Path.Combine(results, "bdn");
        var suites = new Dictionary<string, Type>
        {
            ["sections"] = typeof(SectionBenchmarks),
            ["floors"] = typeof(FloorBenchmarks),
            ["scaling"] = typeof(ScalingBenchmarks),
            ["threads"] = typeof(ThreadBenchmarks),
            ["loop"] = typeof(LoopOverheadBenchmarks),
        };
        var chosen = args.Length > 1 ? args.Skip(1).Select(n => suites[n]).ToArray() : suites.Values.ToArray();
        foreach (var type in chosen)
        {
            BenchmarkRunner.Run(type);
        }

        break;
    case "interleaved":
        Interleaved.Run(results, args.Length > 1 ? args[1] : "run", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10);
        break;
    case "fused":
        FusedComparison.Run(results, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12);
        break;
    case "facades":
        Interleaved.RunFacades(results, args.Length > 1 ? args[1] : "run");
        break;
    case "breakdown":
        Breakdown.Run(results, args.Length > 1 ? args[1] : "run");
        break;
    case "memory":
        MemorySoak.Run(results, args.Length > 1 ? args[1] : "facade", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
            sampleEvery: args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
        break;
    case "env":
        EnvironmentInfo.Write(results);
        break;
    default:
        Console.Error.WriteLine("usage: TorchTutorial.Benchmarks bdn [sections|floors|scaling|threads|loop] | interleaved LABEL [PAIRS] | fused [ROUNDS] | facades LABEL | breakdown [LABEL] | memory facade|fused|noscope [STEPS] | startup LAUNCH_UNIX_NS | catalog | env | report RESULTS_DIR OUTPUT_MD");
        return 2;
}

return 0;
