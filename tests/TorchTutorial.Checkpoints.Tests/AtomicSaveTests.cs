using TorchSharp;
using TorchTutorial.Checkpoints;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>Saving never damages a good file: a failed save leaves the previous one byte for byte, and no temporary file behind.</summary>
public sealed class AtomicSaveTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = NewTemporaryFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public void AModelWhoseSerializationThrows_LeavesThePreviousFileByteIdentical(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var good = TwoLayerNet(1);
        Checkpoint.Save(path, good);
        var previous = File.ReadAllBytes(path);
        using var broken = new ThrowingStateModule();

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, broken));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(path).And.Contain("state_dict failed on purpose"));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(previous));
            Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }));
        });
    }

    [Test]
    public void AWriteThatFailsMidway_LeavesThePreviousFileByteIdentical_AndNoTemporaryFile()
    {
        string path = Path.Combine(folder, "model.pt");
        using var good = TwoLayerNet(1);
        Checkpoint.Save(path, good);
        var previous = File.ReadAllBytes(path);
        var replacement = new byte[4096];

        // The disk fills up after half of the new content has been written.
        Assert.That(
            () => AtomicFile.Write(path, stream =>
            {
                stream.Write(replacement, 0, replacement.Length / 2);
                throw new IOException("No space left on device");
            }),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("No space left on device"));

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(previous));
            Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }));
        });
    }

    [Test]
    public void AMissingFolder_IsReported_AndNothingIsCreated()
    {
        string path = Path.Combine(folder, "no", "such", "folder", "model.pt");
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.FileNotFound));
            Assert.That(error.Message, Does.Contain(path));
            Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty);
        });
    }

    [Test]
    public void AFolderInTheWay_IsReported()
    {
        string path = Path.Combine(folder, "model.pt");
        Directory.CreateDirectory(path);
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.IOError));
            Assert.That(Directory.Exists(path), Is.True);
            Assert.That(Directory.GetFiles(folder), Is.Empty);
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AReadOnlyFolder_IsReported_AndThePreviousFileSurvives()
    {
        if (Environment.UserName == "root")
        {
            Assert.Ignore("File permissions do not stop root; the failing-writer test covers this path.");
        }

        string path = Path.Combine(folder, "model.pt");
        using var good = TwoLayerNet(1);
        Checkpoint.Save(path, good);
        var previous = File.ReadAllBytes(path);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            using var other = TwoLayerNet(2);
            var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, other));
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.IOError));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(previous));
    }

    /// <summary>A module whose state_dict cannot be read, as a model mid-way through a broken refactoring might be.</summary>
    private sealed class ThrowingStateModule : nn.Module<Tensor, Tensor>
    {
        public ThrowingStateModule()
            : base(nameof(ThrowingStateModule))
        {
        }

        public override Tensor forward(Tensor input) => input;

        public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
            throw new InvalidOperationException("state_dict failed on purpose");
    }
}
