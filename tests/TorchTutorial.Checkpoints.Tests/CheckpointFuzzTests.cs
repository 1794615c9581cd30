using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Checkpoints;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// Damaged files, fuzz-style: every truncation and a fixed-seed set of random byte flips of a valid checkpoint, loaded
/// into a model and an Adam optimizer. Never a crash, a hang or an exception other than <see cref="CheckpointException"/>;
/// after a <see cref="CheckpointException"/> the model and optimizer are unchanged.
/// </summary>
public sealed class CheckpointFuzzTests
{
    private const int Flips = 1500;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Files written here carry checksums (TorchSharp trailer, zip comment, safetensors metadata): every damage must be
    /// refused, except a truncation that leaves a complete shorter file, which must then load exactly the saved state.
    /// </summary>
    [Test]
    public void OwnFiles_TruncatedOrFlipped_GiveACheckpointException_OrTheExactSavedState(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        var stats = RunWithin(folder =>
        {
            using var scope = NewDisposeScope();
            var (x, y) = Data();
            using var source = TwoLayerNet(1);
            using var sourceOptimizer = optim.Adam(source.parameters(), 0.01);
            Train(source, sourceOptimizer, x, y, 2);
            string original = Path.Combine(folder, FileName(format, "original"));
            Checkpoint.Save(original, source, sourceOptimizer);
            return Fuzz(format.ToString(), File.ReadAllBytes(original), FileName(format, "damaged"), folder, Snapshot(source), Snapshot(sourceOptimizer));
        });

        Assert.Multiple(() =>
        {
            Assert.That(stats.Failures, Is.Empty, "every damaged file gives a CheckpointException or exactly the saved state");
            Assert.That(stats.Accepted, Is.LessThanOrEqualTo(2), "only truncations at a section boundary of a TorchSharp file leave a complete file");
        });
    }

    /// <summary>
    /// Files from elsewhere have no whole-file checksum (a .pt from PyTorch has per-entry CRC-32s; safetensors and plain
    /// TorchSharp files have none), so a flipped weight can load; the parsers must still never crash, hang or throw
    /// anything but <see cref="CheckpointException"/>, and must leave everything unchanged when they throw.
    /// </summary>
    [TestCase("pytorch_resume_adam.pt")]
    [TestCase("pytorch_twolayernet_protocol4.pt")]
    [TestCase("pytorch_twolayernet.safetensors")]
    [TestCase("plain TorchSharp module.save + save_state_dict")]
    public void ForeignFiles_TruncatedOrFlipped_NeverGiveAnythingButCheckpointException(string file)
    {
        var stats = RunWithin(folder =>
        {
            byte[] bytes;
            string name;
            if (file.StartsWith("plain", StringComparison.Ordinal))
            {
                using var scope = NewDisposeScope();
                var (x, y) = Data();
                using var source = TwoLayerNet(1);
                using var optimizer = optim.Adam(source.parameters(), 0.01);
                Train(source, optimizer, x, y, 2);
                using var buffer = new MemoryStream();
                using (var writer = new BinaryWriter(buffer))
                {
                    source.save(writer);
                    optimizer.save_state_dict(writer);
                }

                bytes = buffer.ToArray();
                name = "damaged.bin";
            }
            else
            {
                bytes = File.ReadAllBytes(Path.Combine(FixtureFolder, file));
                name = "damaged" + Path.GetExtension(file);
            }

            return Fuzz(file, bytes, name, folder, savedModel: null, savedOptimizer: null);
        });

        Assert.Multiple(() =>
        {
            Assert.That(stats.Failures, Is.Empty, "never a crash, a hang, another exception, or a change after an exception");
        });
    }

    private static FuzzStats RunWithin(Func<string, FuzzStats> fuzz)
    {
        string folder = NewTemporaryFolder();
        try
        {
            var run = Task.Run(() => fuzz(folder));
            Assert.That(run.Wait(Limit), Is.True, $"the fuzz run did not finish within {Limit}: a load hangs");
            TestContext.Out.WriteLine(run.Result);
            return run.Result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Loads every truncation and <see cref="Flips"/> random byte flips of <paramref name="bytes"/>.</summary>
    /// <param name="savedModel">When given, a load that succeeds must restore exactly this (and <paramref name="savedOptimizer"/>).</param>
    private static FuzzStats Fuzz(string name, byte[] bytes, string fileName, string folder, Dictionary<string, byte[]>? savedModel, byte[]? savedOptimizer)
    {
        torch.set_num_threads(1);
        string damaged = Path.Combine(folder, fileName);
        var target = NewTarget();
        var baselineModel = Snapshot(target.Model);
        var baselineOptimizer = Snapshot(target.Optimizer);
        var stats = new FuzzStats(name, bytes.Length);
        var clock = Stopwatch.StartNew();

        void Try(byte[] file, string description)
        {
            File.WriteAllBytes(damaged, file);
            using var caseScope = NewDisposeScope();
            try
            {
                var summary = Checkpoint.Load(damaged, target.Model, target.Optimizer);
                stats.Accepted++;
                stats.AcceptedCases.Add(description);
                if (savedModel is not null)
                {
                    bool sameModel = SameState(Snapshot(target.Model), savedModel);
                    bool sameOptimizer = Snapshot(target.Optimizer).AsSpan().SequenceEqual(summary.IncludesOptimizerState ? savedOptimizer : baselineOptimizer);
                    if (!sameModel || !sameOptimizer)
                    {
                        stats.Failures.Add($"{description}: loaded without error but the state differs from the saved one (model same: {sameModel}, optimizer same: {sameOptimizer}).");
                    }
                }

                target.Dispose();
                target = NewTarget();
            }
            catch (CheckpointException ex)
            {
                stats.Rejected++;
                stats.Problems[ex.Problem] = stats.Problems.GetValueOrDefault(ex.Problem) + 1;
                if (!ex.Message.Contains(damaged, StringComparison.Ordinal))
                {
                    stats.Failures.Add($"{description}: the message does not name the file: {ex.Message}");
                }

                if (!SameState(Snapshot(target.Model), baselineModel) || !Snapshot(target.Optimizer).AsSpan().SequenceEqual(baselineOptimizer))
                {
                    stats.Failures.Add($"{description}: {ex.Problem} thrown, but the model or optimizer was changed.");
                }
            }
            catch (Exception ex)
            {
                stats.Failures.Add($"{description}: {ex.GetType().Name} instead of CheckpointException: {ex.Message}");
            }
        }

        for (int length = 0; length < bytes.Length; length++)
        {
            stats.Truncations++;
            Try(bytes[..length], $"truncated to {length} of {bytes.Length} bytes");
        }

        var random = new Random(20240607);
        for (int i = 0; i < Flips; i++)
        {
            int position = random.Next(bytes.Length);
            byte mask = (byte)random.Next(1, 256);
            var file = (byte[])bytes.Clone();
            file[position] ^= mask;
            stats.Flips++;
            Try(file, $"byte {position} xor 0x{mask:X2}");
        }

        target.Dispose();
        stats.Elapsed = clock.Elapsed;
        return stats;
    }

    private static (Tensor X, Tensor Y) Data()
    {
        manual_seed(5);
        return (randn(8, DIn), randn(8, DOut));
    }

    /// <summary>A model and Adam optimizer in a state of their own (another seed, one step on other data).</summary>
    private static Target NewTarget()
    {
        using var scope = NewDisposeScope();
        var model = TwoLayerNet(2);
        var optimizer = optim.Adam(model.parameters(), 0.02);
        manual_seed(6);
        Train(model, optimizer, randn(8, DIn), randn(8, DOut), 1);
        return new Target(model, optimizer);
    }

    private sealed record Target(TwoLayerNet Model, Adam Optimizer) : IDisposable
    {
        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    private sealed class FuzzStats(string name, int fileLength)
    {
        public int FileLength { get; } = fileLength;

        public int Truncations { get; set; }

        public int Flips { get; set; }

        public int Rejected { get; set; }

        public int Accepted { get; set; }

        public TimeSpan Elapsed { get; set; }

        public Dictionary<CheckpointProblem, int> Problems { get; } = [];

        public List<string> Failures { get; } = [];

        public List<string> AcceptedCases { get; } = [];

        public override string ToString() =>
            $"{name}: {FileLength}-byte file, {Truncations} truncations + {Flips} byte flips = {Truncations + Flips} loads in {Elapsed.TotalSeconds:F1} s: " +
            $"{Rejected} CheckpointException ({string.Join(", ", Problems.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))}), " +
            $"{Accepted} loaded{(Accepted > 0 ? " (" + string.Join("; ", AcceptedCases.Take(6)) + (Accepted > 6 ? "; ..." : "") + ")" : "")}, " +
            $"{Failures.Count} failures" + (Failures.Count > 0 ? ":\n  " + string.Join("\n  ", Failures.Take(20)) : ".");
    }
}
