using TorchTutorial.Checkpoints;

namespace TorchTutorial.Checkpoints.Tests;

public sealed class CheckpointFormatTests
{
    [TestCase("model.pt", CheckpointFormat.PyTorch)]
    [TestCase("model.pth", CheckpointFormat.PyTorch)]
    [TestCase("/some/dir/MODEL.PT", CheckpointFormat.PyTorch)]
    [TestCase("model.safetensors", CheckpointFormat.SafeTensors)]
    [TestCase("model.SafeTensors", CheckpointFormat.SafeTensors)]
    [TestCase("model.bin", CheckpointFormat.TorchSharp)]
    [TestCase("model.ckpt", CheckpointFormat.TorchSharp)]
    [TestCase("model", CheckpointFormat.TorchSharp)]
    [TestCase("model.pt.bak", CheckpointFormat.TorchSharp)]
    [TestCase("dir.pt/model.dat", CheckpointFormat.TorchSharp)]
    public void FromPath_PicksTheFormatByExtension(string path, CheckpointFormat expected)
    {
        Assert.That(CheckpointFormat.FromPath(path), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void FromPath_RejectsAnEmptyPath(string path)
    {
        Assert.That(() => CheckpointFormat.FromPath(path), Throws.InstanceOf<ArgumentException>());
    }
}
