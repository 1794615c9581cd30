using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace TorchTutorial.Benchmarks.Suites;

/// <summary>
/// A deliberately modest BenchmarkDotNet configuration, so that the whole set runs in minutes on 2 cores: one launch,
/// in process (the benchmarks share the process with the floor they are compared to, and libtorch's native files
/// are already loaded), few warm-up and measured iterations, no overhead evaluation (every case takes milliseconds).
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Where the BenchmarkDotNet reports go (markdown and full JSON).</summary>
    public static string ArtifactsDirectory { get; set; } = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");

    /// <summary>Creates the configuration.</summary>
    /// <param name="wholeRunsPerInvocation">True when one invocation is a whole training run (hundreds of ms): invoke it once per iteration.</param>
    public BenchConfig(bool wholeRunsPerInvocation)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(wholeRunsPerInvocation ? 10 : 8)
            .WithEvaluateOverhead(false)
            .WithGcForce(false)
            .WithId(wholeRunsPerInvocation ? "run" : "step");
        job = wholeRunsPerInvocation
            ? job.WithInvocationCount(1).WithUnrollFactor(1)
            : job.WithIterationTime(TimeInterval.FromMilliseconds(250));
        AddJob(job);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        AddExporter(JsonExporter.Full);   // the default exporters already include GitHub markdown
        AddLogger(ConsoleLogger.Default);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByParams);
        WithArtifactsPath(ArtifactsDirectory);
        WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Millisecond).WithMaxParameterColumnWidth(30));
    }
}

/// <summary>A column that divides a statistic by the number of training steps in one invocation.</summary>
/// <param name="name">The column header.</param>
/// <param name="stepsOf">The steps one invocation of a case performs.</param>
/// <param name="median">True for the median, false for the mean.</param>
public sealed class PerStepColumn(string name, Func<BenchmarkCase, int> stepsOf, bool median) : IColumn
{
    /// <inheritdoc />
    public string Id => "PerStep" + name;

    /// <inheritdoc />
    public string ColumnName => name;

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => $"{(median ? "Median" : "Mean")} time per training step, in milliseconds";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null)
        {
            return "NA";
        }

        double ns = median ? stats.Median : stats.Mean;
        return (ns / stepsOf(benchmarkCase) / 1e6).ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
