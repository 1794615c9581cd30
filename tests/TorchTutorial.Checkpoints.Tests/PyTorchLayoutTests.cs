using System.IO.Compression;
using TorchSharp;
using TorchTutorial.Checkpoints;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// What a .pt file holds at its top: the bare state_dict when there is no optimizer state to carry, so
/// <c>model.load_state_dict(torch.load(f))</c> works; PyTorch's general-checkpoint recipe
/// <c>{"model_state_dict", "optimizer_state_dict"}</c> when there is.
/// </summary>
public sealed class PyTorchLayoutTests
{
    private static readonly string[] RecipeKeys = ["model_state_dict", "optimizer_state_dict"];

    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = NewTemporaryFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    /// <summary>Optimizers (null: none) and whether a .pt file of them carries optimizer state.</summary>
    public static IEnumerable<TestCaseData> Optimizers()
    {
        yield return new TestCaseData(null, false).SetName("no optimizer: bare state_dict");
        yield return new TestCaseData(new OptimizerFactory("SGD", p => optim.SGD(p, 1e-2)), false).SetName("SGD without momentum: bare state_dict");
        yield return new TestCaseData(new OptimizerFactory("SGD momentum", p => optim.SGD(p, 1e-2, momentum: 0.9)), true).SetName("SGD momentum: recipe");
        yield return new TestCaseData(new OptimizerFactory("Adam", p => optim.Adam(p, 1e-2)), true).SetName("Adam: recipe");
        yield return new TestCaseData(new OptimizerFactory("AdamW", p => optim.AdamW(p, 1e-2)), true).SetName("AdamW: recipe");
        yield return new TestCaseData(new OptimizerFactory("RMSprop", p => optim.RMSProp(p, 1e-3)), true).SetName("RMSprop: recipe");
    }

    [TestCaseSource(nameof(Optimizers))]
    public void ThePtLayout_IsTheBareStateDict_UnlessTheOptimizerHasState(OptimizerFactory? make, bool recipe)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(folder, "model.pt");
        using var model = TwoLayerNet(1);
        using var optimizer = make?.Create(model.parameters());
        if (optimizer is not null)
        {
            Train(model, optimizer, randn(4, DIn), randn(4, DOut), 1);
        }

        var summary = Checkpoint.Save(path, model, optimizer);
        var root = (PickleDict)TopLevel(path)!;

        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.EqualTo(recipe));
            if (recipe)
            {
                Assert.That(root.Items.Select(i => i.Key), Is.EqualTo(RecipeKeys));
                Assert.That(root.TryGetValue("model_state_dict", out var state) && state is PickleDict { Items.Count: 4 }, Is.True);
            }
            else
            {
                Assert.That(root.IsOrderedDict, Is.True, "torch.save(model.state_dict(), f) saves an OrderedDict");
                Assert.That(root.Items.Select(i => i.Key), Is.EqualTo(new[] { "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias" }));
            }
        });
    }

    [Test]
    public void SgdWithMomentum_BeforeItsFirstStep_StillCarriesItsHyperparameters()
    {
        // No momentum buffer yet, but the settings (lr, momentum, ...) are the optimizer's state_dict and travel.
        string path = Path.Combine(folder, "model.pt");
        using var model = TwoLayerNet(1);
        using var optimizer = optim.SGD(model.parameters(), 0.25, momentum: 0.5);

        var summary = Checkpoint.Save(path, model, optimizer);

        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.True);
            Assert.That(((PickleDict)TopLevel(path)!).Items.Select(i => i.Key), Is.EqualTo(RecipeKeys));
        });
    }

    /// <summary>The unpickled <c>data.pkl</c> of a .pt file (storages read as zeros: only the structure matters here).</summary>
    public static object? TopLevel(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return PickleReader.Read(buffer.ToArray(), (dtype, key, count) => new PickleStorage(dtype, key, new byte[count * dtype.Size]));
    }
}
