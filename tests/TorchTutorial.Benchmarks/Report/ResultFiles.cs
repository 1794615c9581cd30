using System.Globalization;
using System.Text.Json;
using TorchTutorial.Benchmarks.Modes;

namespace TorchTutorial.Benchmarks.Report;

/// <summary>Everything run-benchmarks.sh left in the results folder, loaded leniently (a missing file is an empty section of the report).</summary>
public sealed class ResultFiles
{
    /// <summary>Loads the folder.</summary>
    public ResultFiles(string directory)
    {
        Directory = directory;
        Machine = ReadKeyValues(Path.Combine(directory, "machine.env"));
        Environment = Read<EnvironmentInfo.Info>("environment.json");
        InterleavedTuned = Read<List<Interleaved.Row>>("interleaved-tuned.json") ?? [];
        FacadesTuned = ReadLines<List<Interleaved.FacadeRow>>("facades-tuned.jsonl");
        FacadesGlibc = ReadLines<List<Interleaved.FacadeRow>>("facades-glibc.jsonl");
        BreakdownTuned = Read<Breakdown.Output>("breakdown-tuned.json");
        BreakdownGlibc = Read<Breakdown.Output>("breakdown-glibc.json");
        MemoryFacade = Read<MemorySoak.Result>("memory-facade.json");
        MemoryFused = Read<MemorySoak.Result>("memory-fused.json");
        MemoryFacadeGlibc = Read<MemorySoak.Result>("memory-facade-glibc.json");
        MemoryNoScope = Read<MemorySoak.Result>("memory-noscope.json");
        MemoryFacadeEnv = Read<MemorySoak.Result>("memory-facade-env.json");
        Fused = Read<FusedComparison.Result>("fused.json");
        Startup = ReadLines<Modes.Startup.Result>("startup.jsonl");
        StartupCli = ReadNumbers(Path.Combine(directory, "startup-cli.txt"));
        var peers = Read<PeerResults>("pytorch.json");
        PyTorch = peers?.Steps ?? [];
        CliMemory = peers?.Memory ?? [];
        Peers = peers;
        Phases = ReadPhases(Path.Combine(directory, "phases.tsv"));
        Bdn = BdnResults.Load(Path.Combine(directory, "bdn", "results"));
    }

    /// <summary>pytorch.json as a whole (the OpenBLAS kernel sets with the rows), or null when it was not measured.</summary>
    public PeerResults? Peers { get; }

    /// <summary>The examples program's peak memory at 2,000 and 20,000 steps (pytorch_steps.py --memory).</summary>
    public List<CliMemoryRow> CliMemory { get; }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>nn, optim and optim --fused side by side in one process (the fused mode), or null.</summary>
    public FusedComparison.Result? Fused { get; }

    /// <summary>machine.env: KEY=value lines written by the script.</summary>
    public IReadOnlyDictionary<string, string> Machine { get; }

    /// <summary>environment.json.</summary>
    public EnvironmentInfo.Info? Environment { get; }

    /// <summary>Facade vs direct, interleaved, with NativeHeap.Tune()'s allocator setting.</summary>
    public IReadOnlyList<Interleaved.Row> InterleavedTuned { get; }

    /// <summary>Facade-only runs with NativeHeap.Tune()'s allocator setting, one list per process.</summary>
    public IReadOnlyList<List<Interleaved.FacadeRow>> FacadesTuned { get; }

    /// <summary>Facade-only runs with glibc's defaults (TORCHTUTORIAL_MALLOC_TUNING=0): a program that does not call NativeHeap.Tune().</summary>
    public IReadOnlyList<List<Interleaved.FacadeRow>> FacadesGlibc { get; }

    /// <summary>The soak through the facade with the allocator set by MALLOC_* variables instead (the alternative setting tried).</summary>
    public MemorySoak.Result? MemoryFacadeEnv { get; }

    /// <summary>Phase breakdown with the allocator setting.</summary>
    public Breakdown.Output? BreakdownTuned { get; }

    /// <summary>Phase breakdown with glibc's defaults.</summary>
    public Breakdown.Output? BreakdownGlibc { get; }

    /// <summary>The soak through the facade.</summary>
    public MemorySoak.Result? MemoryFacade { get; }

    /// <summary>The soak through the facade with <c>--fused</c> (FusedAdam).</summary>
    public MemorySoak.Result? MemoryFused { get; }

    /// <summary>The soak through the facade with glibc's allocator defaults.</summary>
    public MemorySoak.Result? MemoryFacadeGlibc { get; }

    /// <summary>The soak without a DisposeScope.</summary>
    public MemorySoak.Result? MemoryNoScope { get; }

    /// <summary>Startup launches.</summary>
    public IReadOnlyList<Modes.Startup.Result> Startup { get; }

    /// <summary>Whole examples-program runs (<c>nn --steps 1</c>), milliseconds each.</summary>
    public IReadOnlyList<double> StartupCli { get; }

    /// <summary>pytorch.json, written by pytorch_steps.py.</summary>
    public IReadOnlyList<PyTorchRow> PyTorch { get; }

    /// <summary>phases.tsv: what the script ran, when, and the load average around it.</summary>
    public IReadOnlyList<PhaseRow> Phases { get; }

    /// <summary>BenchmarkDotNet's results.</summary>
    public BdnResults Bdn { get; }

    /// <summary>A value from machine.env, or "?".</summary>
    public string M(string key) => Machine.TryGetValue(key, out var v) && v.Length > 0 ? v : "?";

    private T? Read<T>(string name)
        where T : class
    {
        string path = Path.Combine(Directory, name);
        return File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json.Options) : null;
    }

    private List<T> ReadLines<T>(string name)
    {
        string path = Path.Combine(Directory, name);
        return File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonSerializer.Deserialize<T>(l, Json.Options)!).ToList()
            : [];
    }

    private static Dictionary<string, string> ReadKeyValues(string path)
    {
        var result = new Dictionary<string, string>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
                }
            }
        }

        return result;
    }

    private static List<double> ReadNumbers(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => double.Parse(l.Trim(), CultureInfo.InvariantCulture)).ToList()
            : [];

    private static List<PhaseRow> ReadPhases(string path)
    {
        var rows = new List<PhaseRow>();
        if (!File.Exists(path))
        {
            return rows;
        }

        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split('\t');
            if (f.Length >= 5 && long.TryParse(f[1], out long start) && long.TryParse(f[2], out long end))
            {
                rows.Add(new PhaseRow(f[0], start, end, f[3], f[4], f.Length > 5 ? f[5] : string.Empty));
            }
        }

        return rows;
    }
}

/// <summary>pytorch.json, written by pytorch_steps.py: time per step side by side, and the examples program's peak memory.</summary>
/// <param name="Steps">Time per step, one row per section.</param>
/// <param name="Memory">Peak memory at --steps 2000 and 20000 (with --memory).</param>
/// <param name="OpenBlasCoreType">The OPENBLAS_CORETYPE the tuned OpenBLAS runs used, from the CPU's flags.</param>
/// <param name="OpenBlasCore">The kernel set OpenBLAS chose by itself (OPENBLAS_VERBOSE=2).</param>
/// <param name="OpenBlasTunedCore">The kernel set it ran with OPENBLAS_CORETYPE set.</param>
/// <param name="ReferenceBlasFiles">The BLAS files torch loaded for the reference-BLAS runs (a probe under their LD_LIBRARY_PATH).</param>
/// <param name="OpenBlasFiles">The BLAS files torch loaded for the OpenBLAS runs.</param>
public sealed record PeerResults(List<PyTorchRow> Steps, List<CliMemoryRow>? Memory, string? OpenBlasCoreType = null, string? OpenBlasCore = null,
    string? OpenBlasTunedCore = null, List<string>? ReferenceBlasFiles = null, List<string>? OpenBlasFiles = null);

/// <summary>
/// One section side by side from pytorch_steps.py: ours (the examples program), raw TorchSharp (the section's tutorial app,
/// tutorial/X.cs), PyTorch on the reference BLAS and on OpenBLAS (as installed, and with its kernels chosen for the CPU:
/// <c>Tuned</c>), and for optim ours with --fused. Times are ms per step,
/// medians over the repeats (CPU also with the repeats' minimum and maximum); the <c>…OverOurs</c> ratios are medians of
/// per-repeat ratios against ours from the same repeat, with their range.
/// </summary>
public sealed record PyTorchRow(string Section, string Script, int ShortSteps, int Repeats, double LoadAverage,
    double OursWallMsPerStep, double OursCpuMsPerStep, int OursLongSteps,
    double TorchsharpWallMsPerStep, double TorchsharpCpuMsPerStep, int TorchsharpLongSteps,
    double PytorchReferenceWallMsPerStep, double PytorchReferenceCpuMsPerStep, int PytorchReferenceLongSteps,
    double? PytorchOpenBlasWallMsPerStep = null, double? PytorchOpenBlasCpuMsPerStep = null, int? PytorchOpenBlasLongSteps = null,
    double? OursFusedWallMsPerStep = null, double? OursFusedCpuMsPerStep = null, int? OursFusedLongSteps = null,
    double? OursCpuMsPerStepMin = null, double? OursCpuMsPerStepMax = null,
    double? TorchsharpOverOurs = null, double? PytorchReferenceOverOurs = null,
    double? PytorchOpenBlasOverOurs = null, double? PytorchOpenBlasOverOursMin = null, double? PytorchOpenBlasOverOursMax = null,
    double? PytorchOpenBlasOverOursFused = null, double? PytorchOpenBlasOverOursFusedMin = null, double? PytorchOpenBlasOverOursFusedMax = null,
    double? PytorchOpenBlasTunedWallMsPerStep = null, double? PytorchOpenBlasTunedCpuMsPerStep = null, int? PytorchOpenBlasTunedLongSteps = null,
    double? PytorchOpenBlasTunedOverOurs = null, double? PytorchOpenBlasTunedOverOursMin = null, double? PytorchOpenBlasTunedOverOursMax = null,
    double? PytorchOpenBlasTunedOverOursFused = null, double? PytorchOpenBlasTunedOverOursFusedMin = null, double? PytorchOpenBlasTunedOverOursFusedMax = null);

/// <summary>The examples program's peak resident memory (VmHWM) at --steps 2000 and 20000.</summary>
public sealed record CliMemoryRow(string Section, long PeakKb2000, long PeakKb20000, double LoadAverage);

/// <summary>One phase of the script: name, start and end (Unix seconds), 1-minute load average before and after, and its command.</summary>
public sealed record PhaseRow(string Name, long Start, long End, string LoadBefore, string LoadAfter, string Command);

/// <summary>BenchmarkDotNet's full JSON reports, by type, method and parameters.</summary>
public sealed class BdnResults
{
    private readonly List<Case> cases = [];

    /// <summary>One benchmark case.</summary>
    public sealed record Case(string Type, string Method, IReadOnlyDictionary<string, string> Parameters, double MeanNs, double MedianNs, double MinNs, double MaxNs, double StdDevNs, int N);

    /// <summary>The GitHub-markdown tables BenchmarkDotNet wrote, by type name.</summary>
    public Dictionary<string, string> Markdown { get; } = [];

    /// <summary>Loads every *-report-full.json in <paramref name="directory"/>.</summary>
    public static BdnResults Load(string directory)
    {
        var results = new BdnResults();
        if (!System.IO.Directory.Exists(directory))
        {
            return results;
        }

        foreach (var file in System.IO.Directory.GetFiles(directory, "*-report-full.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!b.TryGetProperty("Statistics", out var s) || s.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var parameters = new Dictionary<string, string>();
                string p = b.GetProperty("Parameters").GetString() ?? string.Empty;
                foreach (var pair in p.Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    if (kv.Length == 2)
                    {
                        parameters[kv[0].Trim()] = kv[1].Trim();
                    }
                }

                results.cases.Add(new Case(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, parameters,
                    s.GetProperty("Mean").GetDouble(), s.GetProperty("Median").GetDouble(), s.GetProperty("Min").GetDouble(),
                    s.GetProperty("Max").GetDouble(), s.GetProperty("StandardDeviation").GetDouble(), s.GetProperty("N").GetInt32()));
            }
        }

        foreach (var file in System.IO.Directory.GetFiles(directory, "*-report-github.md"))
        {
            string type = Path.GetFileName(file).Replace("-report-github.md", string.Empty, StringComparison.Ordinal);
            results.Markdown[type[(type.LastIndexOf('.') + 1)..]] = File.ReadAllText(file);
        }

        return results;
    }

    /// <summary>The case of <paramref name="type"/>.<paramref name="method"/> whose parameters include all of <paramref name="parameters"/>, or null.</summary>
    public Case? Find(string type, string method, params (string Name, string Value)[] parameters) =>
        cases.FirstOrDefault(c => c.Type == type && c.Method == method &&
            parameters.All(p => c.Parameters.TryGetValue(p.Name, out var v) && v == p.Value));

    /// <summary>True when nothing was loaded.</summary>
    public bool IsEmpty => cases.Count == 0;
}
