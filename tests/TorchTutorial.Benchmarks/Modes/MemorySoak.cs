using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Benchmarks.Suites;
using TorchTutorial.Benchmarks.Workloads;
using TorchTutorial.Data;
using TorchTutorial.Examples;
using TorchTutorial.Examples.Sections;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Benchmarks.Modes;

/// <summary>
/// The memory soak: the optim section (Adam, the step that makes the most temporaries) at the tutorial's sizes for
/// 100,000 steps, sampling resident memory, its peak (the kernel's VmHWM) and the live tensor count every 1,000 steps
/// from step 0: nothing is excluded as warm-up. Growth is the peak at the end minus the peak at step 2,000, the
/// comparison of a long run with a short one. <c>facade</c> runs the section's own code through <see cref="TrainingLoop"/> (a DisposeScope per step),
/// <c>fused</c> the same with <c>--fused</c> (FusedAdam);
/// <c>noscope</c> runs the section's own step in a plain loop whose DisposeScope lets go of every tensor instead of
/// disposing it, so tensors are freed only when .NET's garbage collector finalizes them.
/// </summary>
public static class MemorySoak
{
    /// <summary>One sample.</summary>
    /// <remarks>
    /// Besides the process totals: the .NET GC's committed bytes, and glibc's native heap (mallinfo2): bytes in use,
    /// free inside the heap, free at its top, and in separately mmapped blocks, to tell which one any growth is in.
    /// </remarks>
    public sealed record Sample(int Step, double ElapsedSeconds, long RssBytes, long PeakRssBytes, long RssAnonBytes, long RssFileBytes, long LiveTensors, int Gen0Collections, int Gen2Collections,
        long ManagedCommittedBytes, long NativeInUseBytes, long NativeFreeBytes, long NativeTopFreeBytes, long NativeMmappedBytes);

    /// <summary>The whole soak.</summary>
    public sealed record Result(string Variant, string Section, int ShortRunSteps, int MeasuredSteps, int SampleEvery, string Allocator, IReadOnlyList<Sample> Samples)
    {
        /// <summary>The kernel's peak (VmHWM) at the sample at <see cref="ShortRunSteps"/>: what a short run peaks at.</summary>
        public long BaselineRssBytes => Samples.First(s => s.Step >= ShortRunSteps).PeakRssBytes;

        /// <summary>Resident anonymous memory at <see cref="ShortRunSteps"/>.</summary>
        public long BaselineAnonBytes => Samples.First(s => s.Step >= ShortRunSteps).RssAnonBytes;

        /// <summary>The highest sampled resident size from <see cref="ShortRunSteps"/> on, minus the peak at <see cref="ShortRunSteps"/>.</summary>
        public long SampledGrowthBytes => Samples.Where(s => s.Step >= ShortRunSteps).Max(s => s.RssBytes) - BaselineRssBytes;

        /// <summary>The kernel's peak (VmHWM) at the end minus the peak at <see cref="ShortRunSteps"/>.</summary>
        public long PeakGrowthBytes => Samples[^1].PeakRssBytes - BaselineRssBytes;

        /// <summary>The kernel's peak (VmHWM) at the end, or the highest sample if higher, minus the peak at <see cref="ShortRunSteps"/>.</summary>
        public long GrowthBytes => Math.Max(Samples.Max(s => s.RssBytes), Samples[^1].PeakRssBytes) - BaselineRssBytes;
    }

    /// <summary>The allocator label of a run under <see cref="Runtime.NativeHeap.Tune"/>'s setting.</summary>
    public const string TunedAllocator = "NativeHeap.Tune()";

    /// <summary>Runs the variant; writes <c>memory-VARIANT.json</c>.</summary>
    public static Result Run(string resultsDirectory, string variant, int measuredSteps = 100_000, int shortRunSteps = 2_000, int sampleEvery = 1_000)
    {
        torch.set_num_threads(1);
        Warm.ProcessState();   // NativeHeap.Tune(), as the examples program: the same allocator for both variants
        string? mmapEnv = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_");
        string? trimEnv = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_");
        string allocator = Environment.GetEnvironmentVariable("TORCHTUTORIAL_MALLOC_TUNING") is "0" ? "glibc defaults"
            : mmapEnv is not null || trimEnv is not null ? $"MALLOC_MMAP_THRESHOLD_={mmapEnv} MALLOC_TRIM_THRESHOLD_={trimEnv}"
            : TunedAllocator;
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        int total = measuredSteps;

        void Record(int stepsDone)
        {
            var heap = NativeHeapStats.Read();
            samples.Add(new Sample(stepsDone, clock.Elapsed.TotalSeconds, ProcessStats.ResidentBytes(), ProcessStats.PeakResidentBytes(),
                ProcessStats.ResidentAnonymousBytes(), ProcessStats.ResidentFileBytes(),
                DisposeScopeManager.Statistics.ThreadTotalLiveCount, GC.CollectionCount(0), GC.CollectionCount(1) * 1000 + GC.CollectionCount(2),
                GC.GetGCMemoryInfo().TotalCommittedBytes, heap?.InUse ?? -1, heap?.Free ?? -1, heap?.TopFree ?? -1, heap?.Mmapped ?? -1));
            if (stepsDone % 10_000 == 0)
            {
                var s = samples[^1];
                Console.WriteLine($"{variant}: step {stepsDone,7}  rss {s.RssBytes / 1048576.0,7:F1} MB  peak {s.PeakRssBytes / 1048576.0,7:F1} MB  (anon {s.RssAnonBytes / 1048576.0:F1}, file {s.RssFileBytes / 1048576.0:F1})  live tensors {s.LiveTensors}  " +
                    $"GC committed {s.ManagedCommittedBytes / 1048576.0:F1} MB  native in use {s.NativeInUseBytes / 1048576.0:F1} free {s.NativeFreeBytes / 1048576.0:F1} (top {s.NativeTopFreeBytes / 1048576.0:F1}) mmapped {s.NativeMmappedBytes / 1048576.0:F1} MB  {s.ElapsedSeconds,6:F1} s");
            }
        }

        using var watcher = Environment.GetEnvironmentVariable("BENCH_WATCH_RSS") is "1" ? new RssWatcher(() => samples.Count > 0 ? samples[^1].Step : 0) : null;
        manual_seed(0);
        if (variant is "facade" or "fused")
        {
            var section = SectionCatalog.Get("optim");
            var progress = new SyncProgress(p => Record(p.Step + 1));
            var settings = RunSettings.Defaults(section) with
            {
                Training = new TrainingOptions(total, section.Training!.LearningRate, sampleEvery),
                FusedAdam = variant == "fused",   // --fused: FusedAdam, which disposes its Scalars, in place of TorchSharp's Adam
            };
            Record(0);
            SectionContext.Run(settings, progress);
        }
        else if (variant == "noscope")
        {
            // The section's own step in the plain loop, but every tensor a step makes let go of instead of disposed.
            var settings = Workbench.Settings("optim", NetworkSizes.Tutorial, total);
            Record(0);
            SectionContext.Run(settings, (loop, step) =>
            {
                Workbench.RunPlain(step, loop.Options.Steps, losses: null, dispose: false, afterStep: t =>
                {
                    if ((t + 1) % sampleEvery == 0)
                    {
                        Record(t + 1);
                    }
                });
                return Workbench.NoSteps(loop);
            });
        }
        else
        {
            throw new ArgumentException($"memory: facade, fused or noscope, not '{variant}'.", nameof(variant));
        }

        var result = new Result(variant, "optim", shortRunSteps, measuredSteps, sampleEvery, allocator, samples);
        Directory.CreateDirectory(resultsDirectory);
        string suffix = allocator == "glibc defaults" ? "-glibc" : allocator.StartsWith("MALLOC", StringComparison.Ordinal) ? "-env" : string.Empty;
        File.WriteAllText(Path.Combine(resultsDirectory, $"memory-{variant}{suffix}.json"), JsonSerializer.Serialize(result, Json.Options));
        Console.WriteLine($"{variant}: peak (VmHWM) {samples[^1].PeakRssBytes / 1048576.0:F1} MB, {result.GrowthBytes / 1048576.0:F1} MB above the peak at step {shortRunSteps} ({result.BaselineRssBytes / 1048576.0:F1} MB)");
        return result;
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>
    /// Diagnostics (BENCH_WATCH_RSS=1): polls /proc/self/status every 2 ms and prints every new high of VmRSS, with the
    /// GC's and glibc's figures at that moment.
    /// </summary>
    /// <remarks>
    /// Its thread allocates while the steps run, so it can trigger a GC while TorchSharp's Adam is inside libtorch with a
    /// Scalar it no longer references: such a run may abort in <c>c10::Scalar::toFloat</c> (docs/memory.md).
    /// </remarks>
    private sealed class RssWatcher : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;

        public RssWatcher(Func<int> lastStep)
        {
            thread = new Thread(() =>
            {
                long high = 0, baseline = 0;
                bool dumped = false;
                while (!stop)
                {
                    long rss = ProcessStats.ResidentBytes();
                    if (rss > high + (4 << 20))
                    {
                        if (baseline == 0 && lastStep() >= 2000)
                        {
                            baseline = rss;
                        }

                        if (!dumped && baseline > 0 && rss > baseline + (20 << 20))
                        {
                            // A jump: name the mappings that hold the most resident memory right now.
                            var big = new List<string>();
                            string name = string.Empty;
                            foreach (var line in File.ReadLines("/proc/self/smaps"))
                            {
                                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-', StringComparison.Ordinal))
                                {
                                    name = line;
                                }
                                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                                {
                                    long kb = long.Parse(line[4..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                                    if (kb > 8192)
                                    {
                                        big.Add($"{kb >> 10} MB {name}");
                                    }
                                }
                            }

                            Console.WriteLine("watch: jump; mappings above 8 MB:\n  " + string.Join("\n  ", big));
                            dumped = true;
                        }

                        high = rss;
                        var heap = NativeHeapStats.Read();
                        Console.WriteLine($"watch: rss {rss >> 20} MB anon {ProcessStats.ResidentAnonymousBytes() >> 20} file {ProcessStats.ResidentFileBytes() >> 20} near step {lastStep()} gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} " +
                            $"GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20} MB, native arena {heap?.Arena >> 20} in use {heap?.InUse >> 20} free {heap?.Free >> 20} (top {heap?.TopFree >> 20}) mmapped {heap?.Mmapped >> 20} MB");
                    }

                    Thread.Sleep(2);
                }
            }) { IsBackground = true, Name = "rss watcher" };
            thread.Start();
        }

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }
}
