using TorchSharp.Modules;
using TorchTutorial.Optimizers;
using TorchTutorial.TestSupport;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// <see cref="FusedAdam"/> (libtorch's fused kernel behind TorchSharp's Adam state) through every checkpoint format:
/// its state is Adam's, so a checkpoint resumes it as if the run had not stopped.
/// </summary>
public sealed class FusedAdamCheckpointTests
{
    [TestCase(CheckpointFormat.TorchSharp)]
    [TestCase(CheckpointFormat.PyTorch)]
    [TestCase(CheckpointFormat.SafeTensors)]
    public void SavedAndLoaded_ThroughEachCheckpointFormat_ResumesAsIfUninterrupted(CheckpointFormat format)
    {
        // 150 steps, a checkpoint, then a fresh model (another seed) and a fresh FusedAdam load it and train 150 more.
        // The TorchSharp and PyTorch formats carry Adam's state: the 300 losses are those of an uninterrupted run, bit for
        // bit. safetensors holds the weights only: the first loss after loading is the uninterrupted run's, and the
        // optimizer starts afresh (step 0), as it would with TorchSharp's Adam.
        var uninterrupted = Uninterrupted();
        string folder = Directory.CreateTempSubdirectory("fused-adam-").FullName;
        try
        {
            string path = Path.Combine(folder, format switch { CheckpointFormat.PyTorch => "c.pt", CheckpointFormat.SafeTensors => "c.safetensors", _ => "c.ckpt" });
            using var run = new ResumableRun();
            using (var first = new FusedAdam(run.Model.parameters(), lr: 1e-4))
            {
                run.Train(first, 150);
                Assert.That(Checkpoint.Save(path, run.Model, first, format).IncludesOptimizerState, Is.EqualTo(format != CheckpointFormat.SafeTensors));
            }

            manual_seed(42);
            using var resumed = new ResumableRun(run);
            using var second = new FusedAdam(resumed.Model.parameters(), lr: 1e-4);
            bool restored = Checkpoint.Load(path, resumed.Model, second, format).IncludesOptimizerState;
            resumed.Train(second, 150);
            var losses = run.Losses.Concat(resumed.Losses).ToArray();
            Assert.Multiple(() =>
            {
                Assert.That(restored, Is.EqualTo(format != CheckpointFormat.SafeTensors));
                if (restored)
                {
                    Assert.That(losses, Is.EqualTo(uninterrupted), "every loss of the uninterrupted run");
                }
                else
                {
                    Assert.That(losses[..151], Is.EqualTo(uninterrupted[..151]), "the weights were restored");
                    Assert.That(losses[151], Is.Not.EqualTo(uninterrupted[151]), "Adam restarted from step 0");
                }

                Assert.That(second.state_dict().State.Cast<Adam.State>().Select(s => s.step), Has.All.EqualTo(restored ? 300 : 150));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The optim section's 300 float32 steps with FusedAdam (lr 1e-4) in one go.</summary>
    private static List<double> Uninterrupted()
    {
        using var run = new ResumableRun();
        using var optimizer = new FusedAdam(run.Model.parameters(), lr: 1e-4);
        run.Train(optimizer, 300);
        return run.Losses;
    }
}
