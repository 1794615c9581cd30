using System.Text.Json;
using TorchSharp;
using TorchTutorial.Checkpoints;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

public sealed class CheckpointRoundTripTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = NewTemporaryFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public void SaveThenLoad_RestoresEveryTensorBitForBit_AndThePredictions(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format,
        [ValueSource(typeof(CheckpointTestSupport), nameof(Models))] ModelFactory factory)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(folder, FileName(format));
        using var source = factory.Create(1);
        using var target = factory.Create(2);
        Assume.That(SameState(Snapshot(source), Snapshot(target)), Is.False, "the two seeds give different weights");

        var saved = Checkpoint.Save(path, source);
        var loaded = Checkpoint.Load(path, target);

        Assert.Multiple(() =>
        {
            Assert.That(saved, Is.EqualTo(new CheckpointSummary(path, format, source.state_dict().Count, false)));
            Assert.That(loaded, Is.EqualTo(new CheckpointSummary(path, format, source.state_dict().Count, false)));
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True, "every tensor restored bit for bit");
            Assert.That(factory.Predict(target).equal(factory.Predict(source)).all().item<bool>(), Is.True, "identical predictions");
            Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }), "no temporary file left behind");
        });
    }

    [Test]
    public void Load_KeepsTheParametersTrainable(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1);
        using var target = TwoLayerNet(2);
        var before = target.parameters().ToList();

        Checkpoint.Save(path, source);
        Checkpoint.Load(path, target);

        Assert.Multiple(() =>
        {
            Assert.That(target.parameters().Select(p => p.requires_grad), Is.All.True, "loading copies values in place; the parameters still train");
            Assert.That(target.parameters().Zip(before, ReferenceEquals), Is.All.True, "the same Parameter objects, so an optimizer built earlier still sees them");
        });
    }

    [Test]
    public void Files_UsePyTorchsParameterNames()
    {
        using var net = TwoLayerNet(1);
        using var sequential = TestModels.TwoLayerSequential(DIn, H, DOut);
        string netPath = Path.Combine(folder, "net.safetensors");
        string sequentialPath = Path.Combine(folder, "sequential.pt");

        Checkpoint.Save(netPath, net);
        Checkpoint.Save(sequentialPath, sequential);

        Assert.Multiple(() =>
        {
            Assert.That(SafeTensorsFile.Read(File.ReadAllBytes(netPath)).ModelTensors.Select(t => t.Key),
                Is.EqualTo(new[] { "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias" }));
            Assert.That(PyTorchCheckpointFile.Read(File.ReadAllBytes(sequentialPath)).ModelTensors.Select(t => t.Key),
                Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
        });
    }

    [Test]
    public void SafeTensorsHeader_IsPlainSafeTensorsJson()
    {
        using var net = TwoLayerNet(1);
        string path = Path.Combine(folder, "net.safetensors");
        Checkpoint.Save(path, net);
        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);

        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var weight = header.RootElement.GetProperty("linear1.weight");

        Assert.Multiple(() =>
        {
            Assert.That(headerLength % 8, Is.Zero, "header padded to 8 bytes");
            Assert.That(weight.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
            Assert.That(weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { H, DIn }));
            Assert.That(weight.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 0, H * DIn * 4 }));
            Assert.That(header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString(), Is.EqualTo("pt"));
        });
    }

    [Test]
    public void TorchSharpFormat_IsReadableByTorchSharpsOwnLoaders()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(folder, "model.bin");
        using var source = TwoLayerNet(1);
        using var sourceOptimizer = optim.Adam(source.parameters(), 0.01);
        Train(source, sourceOptimizer, randn(8, DIn), randn(8, DOut), 3);
        Checkpoint.Save(path, source, sourceOptimizer);

        using var target = TwoLayerNet(2);
        using var targetOptimizer = optim.Adam(target.parameters(), 0.5);
        using (var reader = new BinaryReader(File.OpenRead(path)))
        {
            target.load(reader);
            targetOptimizer.load_state_dict(reader);
        }

        Assert.Multiple(() =>
        {
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True);
            Assert.That(Snapshot(targetOptimizer), Is.EqualTo(Snapshot(sourceOptimizer)));
        });
    }

    [Test]
    public void TorchSharpFormat_LoadsPlainModuleSaveFiles()
    {
        string path = Path.Combine(folder, "model.dat");
        using var source = TwoLayerNet(1);
        using var target = TwoLayerNet(2);
        source.save(path);

        var summary = Checkpoint.Load(path, target);

        Assert.Multiple(() =>
        {
            Assert.That(summary.TensorCount, Is.EqualTo(4));
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True);
        });
    }

    [Test]
    public void Save_IsDeterministic_AndReplacesAnExistingFile(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var first = TwoLayerNet(1);
        using var second = TwoLayerNet(2);

        Checkpoint.Save(path, first);
        var firstBytes = File.ReadAllBytes(path);
        Checkpoint.Save(path, second);
        var secondBytes = File.ReadAllBytes(path);
        Checkpoint.Save(path, first);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(firstBytes), "the same model gives the same bytes");
            Assert.That(secondBytes, Is.Not.EqualTo(firstBytes));
            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Float64Models_RoundTrip(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var source = TwoLayerNet(1, dtype: ScalarType.Float64);
        using var target = TwoLayerNet(2, dtype: ScalarType.Float64);
        using var sourceOptimizer = optim.SGD(source.parameters(), 0.01, momentum: 0.9);
        using var targetOptimizer = optim.SGD(target.parameters(), 0.01, momentum: 0.9);
        using var scope = NewDisposeScope();
        Train(source, sourceOptimizer, randn(8, DIn, dtype: ScalarType.Float64), randn(8, DOut, dtype: ScalarType.Float64), 2);

        Checkpoint.Save(path, source, sourceOptimizer);
        Checkpoint.Load(path, target, targetOptimizer);

        Assert.Multiple(() =>
        {
            Assert.That(SameState(Snapshot(target), Snapshot(source)), Is.True);
            if (format != CheckpointFormat.SafeTensors)
            {
                Assert.That(Snapshot(targetOptimizer), Is.EqualTo(Snapshot(sourceOptimizer)), "float64 momentum buffers too");
            }
        });
    }
}
