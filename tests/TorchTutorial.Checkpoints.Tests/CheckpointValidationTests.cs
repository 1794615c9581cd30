using TorchSharp;
using TorchTutorial.Checkpoints;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

public sealed class CheckpointValidationTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = NewTemporaryFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public void AnotherModelsFile_IsRefusedAsWrongModel_AndTheModelIsUnchanged(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var net = TwoLayerNet(1);
        Checkpoint.Save(path, net);
        manual_seed(2);
        using var sequential = TestModels.TwoLayerSequential(DIn, H, DOut);
        var before = Snapshot(sequential);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, sequential));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.WrongModel));
            Assert.That(error.Path, Is.EqualTo(path));
            Assert.That(error.Format, Is.EqualTo(format));
            Assert.That(error.Message, Does.Contain(path).And.Contain("different model").And.Contain("'linear1.weight'").And.Contain("'0.weight'"));
            Assert.That(SameState(Snapshot(sequential), before), Is.True);
        });
    }

    [Test]
    public void OtherSizes_AreRefusedAsShapeMismatch_NamingTheShapes(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var wide = TwoLayerNet(1, hidden: 6);
        Checkpoint.Save(path, wide);
        using var narrow = TwoLayerNet(2, hidden: 5);
        var before = Snapshot(narrow);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, narrow));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.ShapeMismatch));
            Assert.That(error.Message, Does.Contain("'linear1.weight': shape [5, 10] expected but [6, 10] found"));
            Assert.That(error.Message, Does.Contain("'linear2.weight': shape [3, 5] expected but [3, 6] found"));
            Assert.That(SameState(Snapshot(narrow), before), Is.True, "not even the matching linear2.bias was copied");
        });
    }

    [Test]
    public void AnotherElementType_IsRefused(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        using var doubles = TwoLayerNet(1, dtype: ScalarType.Float64);
        Checkpoint.Save(path, doubles);
        using var floats = TwoLayerNet(2);
        var before = Snapshot(floats);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, floats));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.DTypeMismatch));
            Assert.That(error.Message, Does.Contain("float32 expected but float64 found"));
            Assert.That(SameState(Snapshot(floats), before), Is.True);
        });
    }

    [Test]
    public void AMissingTensor_IsNamed()
    {
        string path = Path.Combine(folder, "partial.safetensors");
        using var source = TwoLayerNet(1);
        File.WriteAllBytes(path, SafeTensorsFile.Write(ModelState.Capture(source).Where(t => t.Key != "linear2.bias").ToList()));
        using var target = TwoLayerNet(2);
        var before = Snapshot(target);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.MissingTensor));
            Assert.That(error.Message, Does.Contain("lacks 'linear2.bias'"));
            Assert.That(SameState(Snapshot(target), before), Is.True);
        });
    }

    [Test]
    public void AnUnexpectedTensor_IsNamed()
    {
        string path = Path.Combine(folder, "extra.pt");
        using var source = TwoLayerNet(1);
        var content = new CheckpointContent();
        content.ModelTensors.AddRange(ModelState.Capture(source));
        content.ModelTensors.Add(new("linear3.weight", content.ModelTensors[0].Value));
        File.WriteAllBytes(path, PyTorchCheckpointFile.Write(content));
        using var target = TwoLayerNet(2);
        var before = Snapshot(target);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, target));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnexpectedTensor));
            Assert.That(error.Message, Does.Contain("'linear3.weight'"));
            Assert.That(SameState(Snapshot(target), before), Is.True);
        });
    }

    [Test]
    public void AMissingFile_IsReported(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format, "absent"));
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.FileNotFound));
            Assert.That(error.Message, Does.Contain(path).And.Contain("does not exist"));
        });
    }

    [Test]
    public void AnEmptyFile_IsRefused(
        [ValueSource(typeof(CheckpointTestSupport), nameof(AllFormats))] CheckpointFormat format)
    {
        string path = Path.Combine(folder, FileName(format));
        File.WriteAllBytes(path, []);
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.That(error!.Problem, Is.AnyOf(CheckpointProblem.Truncated, CheckpointProblem.NotACheckpoint));
    }

    [TestCase("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", TestName = "a tensor named twice")]
    [TestCase("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"dtype":"F64"}}""", TestName = "a field given twice")]
    [TestCase("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}}""", TestName = "an unknown field")]
    [TestCase("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""", TestName = "a missing shape")]
    [TestCase("""{"w":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}""", TestName = "a null shape")]
    [TestCase("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", TestName = "a negative size")]
    [TestCase("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x""", TestName = "bytes after the JSON")]
    public void AStrayedSafeTensorsHeader_IsCorrupt_AndTheModelIsUnchanged(string header)
    {
        string path = Path.Combine(folder, "strayed.safetensors");
        var json = System.Text.Encoding.UTF8.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)json.Length), .. json, 0, 0, 128, 63]);
        using var model = nn.Linear(1, 1, hasBias: false);
        var before = Snapshot(model);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.Corrupt), error.Message);
            Assert.That(SameState(Snapshot(model), before), Is.True);
        });
    }

    [Test]
    public void AMisnamedFile_IsRefused_WithAHintAtItsRealFormat()
    {
        using var model = TwoLayerNet(1);
        string safetensors = Path.Combine(folder, "model.safetensors");
        Checkpoint.Save(safetensors, model);
        string misnamed = Path.Combine(folder, "model.pt");
        File.Copy(safetensors, misnamed);
        string zip = Path.Combine(folder, "zip.pt");
        Checkpoint.Save(zip, model);
        string misnamedZip = Path.Combine(folder, "model.bin");
        File.Copy(zip, misnamedZip);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(misnamed, model));
        var zipError = Assert.Throws<CheckpointException>(() => Checkpoint.Load(misnamedZip, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.NotACheckpoint));
            Assert.That(error.Message, Does.Contain("safetensors file: name it *.safetensors"));
            Assert.That(zipError!.Problem, Is.EqualTo(CheckpointProblem.NotACheckpoint));
            Assert.That(zipError.Message, Does.Contain("PyTorch .pt archive: name it *.pt"));
            Assert.That(Checkpoint.Load(misnamed, model, format: CheckpointFormat.SafeTensors).Format, Is.EqualTo(CheckpointFormat.SafeTensors), "an explicit format overrides the extension");
        });
    }

    [Test]
    public void TextNamedPt_IsNotACheckpoint()
    {
        string path = Path.Combine(folder, "notes.pt");
        File.WriteAllText(path, "these are not the weights you are looking for\n");
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.NotACheckpoint));
            Assert.That(error.Message, Does.Contain("not a zip archive"));
        });
    }

    [Test]
    public void APickledWholeModel_IsRefusedWithAFix()
    {
        // torch.save(model) pickles the module class itself (GLOBAL __main__.TwoLayerNet): refused, with the fix in the message.
        string path = Path.Combine(folder, "whole.pt");
        var zip = new StoredZipWriter();
        zip.Add("archive/data.pkl", [0x80, 0x02, .. "c__main__\nTwoLayerNet\n"u8, 0x29, 0x81, (byte)'.']);
        zip.Add("archive/version", "3\n"u8);
        File.WriteAllBytes(path, zip.Finish());
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.UnsafeContent));
            Assert.That(error.Message, Does.Contain("'__main__.TwoLayerNet'").And.Contain("torch.save(model.state_dict(), f)"));
        });
    }

    [Test]
    public void ALegacyTorchSaveFile_IsRefusedWithAFix()
    {
        string path = Path.Combine(FixtureFolder, "pytorch_legacy.pt");
        using var model = TwoLayerNet(1);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.NotACheckpoint));
            Assert.That(error.Message, Does.Contain("legacy (pre-1.6"));
        });
    }

    [Test]
    public void AModelWithAnUnsupportedElementType_CannotBeSaved()
    {
        string path = Path.Combine(folder, "complex.pt");
        using var model = new ComplexBufferModule();

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(path, model));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(CheckpointProblem.Unsupported));
            Assert.That(error.Message, Does.Contain("'phase'").And.Contain("ComplexFloat32"));
            Assert.That(File.Exists(path), Is.False);
        });
    }

    private sealed class ComplexBufferModule : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor phase = zeros(3, dtype: ScalarType.ComplexFloat32);

        public ComplexBufferModule()
            : base(nameof(ComplexBufferModule)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input * phase.real;
    }
}
