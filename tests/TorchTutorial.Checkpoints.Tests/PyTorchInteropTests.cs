using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchTutorial.Checkpoints;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Checkpoints.Tests.CheckpointTestSupport;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>
/// Checkpoints cross between PyTorch and this library both ways. PyTorch → C#: fixtures written by real PyTorch 1.13
/// (Fixtures/make_pytorch_fixtures.py) load here and reproduce PyTorch's predictions and its resumed training.
/// C# → PyTorch: the C#-written fixtures (csharp_*) are checked by Fixtures/verify_csharp_fixtures.py with real
/// PyTorch (not in CI, which has no Python); here they are checked to still be what this code writes.
/// </summary>
public sealed class PyTorchInteropTests
{
    private const double PredictionTolerance = 1e-6;
    private const double ResumedLossTolerance = 1e-5;

    private static readonly JsonElement PyTorch = ReadJson("pytorch_fixtures.json");

    [TestCase("pytorch_twolayernet.pt")]
    [TestCase("pytorch_twolayernet_protocol4.pt")]
    [TestCase("pytorch_twolayernet.safetensors")]
    public void ATwoLayerNetTrainedBySavedByPyTorch_LoadsAndPredictsTheSame(string fixture)
    {
        using var scope = NewDisposeScope();
        using var model = TwoLayerNet(seed: 12345);

        var summary = Checkpoint.Load(Path.Combine(FixtureFolder, fixture), model);
        var predictions = model.forward(Matrix(PyTorch.GetProperty("input")));
        var expected = Matrix(PyTorch.GetProperty("twolayernet_predictions"));

        TestContext.Out.WriteLine($"{fixture}: max |C# - PyTorch| = {MaxAbsoluteDifference(predictions, expected):G3}");
        Assert.Multiple(() =>
        {
            Assert.That(summary.TensorCount, Is.EqualTo(4));
            Assert.That(MaxRelativeDifference(predictions, expected), Is.LessThanOrEqualTo(PredictionTolerance));
        });
    }

    [Test]
    public void ASequentialSavedByPyTorch_LoadsWithItsNumericNames()
    {
        using var scope = NewDisposeScope();
        manual_seed(12345);
        using var model = TestModels.TwoLayerSequential(DIn, H, DOut);

        Checkpoint.Load(Path.Combine(FixtureFolder, "pytorch_sequential.pt"), model);
        var predictions = model.forward(Matrix(PyTorch.GetProperty("input")));

        Assert.That(MaxRelativeDifference(predictions, Matrix(PyTorch.GetProperty("sequential_predictions"))), Is.LessThanOrEqualTo(PredictionTolerance));
    }

    [TestCase("pytorch_resume_sgd.pt", "sgd")]
    [TestCase("pytorch_resume_adam.pt", "adam")]
    [TestCase("pytorch_resume_adam_recipe.pt", "adam")]
    public void TrainingCheckpointedByPyTorch_ResumesHere_WithPyTorchsLosses(string fixture, string optimizer)
    {
        // {"model", "optimizer"} files and the general-checkpoint recipe's {"epoch", "model_state_dict", "optimizer_state_dict", "loss"}.
        using var scope = NewDisposeScope();
        using var model = TwoLayerNet(seed: 12345);
        using optim.Optimizer resumed = optimizer == "sgd" ? optim.SGD(model.parameters(), 0.5) : optim.Adam(model.parameters(), 0.5);

        var summary = Checkpoint.Load(Path.Combine(FixtureFolder, fixture), model, resumed);
        var losses = Train(model, resumed, Matrix(PyTorch.GetProperty("x_train")), Matrix(PyTorch.GetProperty("y_train")), 5);
        var expected = PyTorch.GetProperty($"resume_{optimizer}_losses").EnumerateArray().Select(e => e.GetDouble()).ToList();

        TestContext.Out.WriteLine($"{fixture}: C# {string.Join(", ", losses)}; PyTorch {string.Join(", ", expected)}");
        Assert.Multiple(() =>
        {
            Assert.That(summary.IncludesOptimizerState, Is.True);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.That(losses[i], Is.EqualTo(expected[i]).Within(ResumedLossTolerance * Math.Max(1, Math.Abs(expected[i]))), $"step {i} after resuming");
            }
        });
    }

    [TestCase("csharp_twolayernet.pt")]
    [TestCase("csharp_twolayernet.safetensors")]
    public void TheCSharpWrittenFixtures_StillLoadAndPredictWhatTheirJsonSays(string fixture)
    {
        using var scope = NewDisposeScope();
        var json = ReadJson("csharp_fixtures.json");
        using var model = TwoLayerNet(seed: 12345);

        Checkpoint.Load(Path.Combine(FixtureFolder, fixture), model);
        var predictions = model.forward(Matrix(json.GetProperty("input")));

        Assert.That(MaxRelativeDifference(predictions, Matrix(json.GetProperty("twolayernet_predictions"))), Is.LessThanOrEqualTo(PredictionTolerance));
    }

    /// <summary>
    /// The C#-written resume fixtures in every .pt layout this library has written: the recipe keys (SGD with momentum,
    /// Adam), the bare state_dict (SGD without momentum), and <c>{"model", "optimizer"}</c> (csharp_v1_*, written by
    /// the version before the recipe keys). Each resumes with the losses the C# run that wrote it had.
    /// </summary>
    [TestCase("csharp_resume_sgd.pt", "sgd", "model_state_dict,optimizer_state_dict")]
    [TestCase("csharp_resume_adam.pt", "adam", "model_state_dict,optimizer_state_dict")]
    [TestCase("csharp_resume_plain_sgd.pt", "plain_sgd", "linear1.weight,linear1.bias,linear2.weight,linear2.bias")]
    [TestCase("csharp_v1_resume_adam.pt", "adam", "model,optimizer")]
    public void TheCSharpResumeFixtures_LoadInEveryLayout_AndResumeWithTheirLosses(string fixture, string optimizer, string topLevelKeys)
    {
        using var scope = NewDisposeScope();
        var json = ReadJson("csharp_fixtures.json");
        string path = Path.Combine(FixtureFolder, fixture);
        using var model = TwoLayerNet(seed: 12345);
        using var resumed = MakeOptimizer(optimizer, model);

        var summary = Checkpoint.Load(path, model, resumed);
        var losses = Train(model, resumed, Matrix(json.GetProperty("x_train")), Matrix(json.GetProperty("y_train")), 5);

        Assert.Multiple(() =>
        {
            Assert.That(((PickleDict)PyTorchLayoutTests.TopLevel(path)!).Items.Select(i => (string)i.Key), Is.EqualTo(topLevelKeys.Split(',')));
            Assert.That(summary.IncludesOptimizerState, Is.EqualTo(optimizer != "plain_sgd"));
            // Within the tolerance, not exactly: another CPU may round libtorch's kernels differently (exactness is OptimizerResumeTests').
            var expected = json.GetProperty($"resume_{optimizer}_losses").EnumerateArray().Select(e => e.GetDouble()).ToList();
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.That(losses[i], Is.EqualTo(expected[i]).Within(ResumedLossTolerance * Math.Max(1, Math.Abs(expected[i]))), $"step {i} after resuming");
            }
        });
    }

    [TestCase("csharp_twolayernet.pt", "none")]
    [TestCase("csharp_twolayernet.safetensors", "none")]
    [TestCase("csharp_resume_sgd.pt", "sgd")]
    [TestCase("csharp_resume_adam.pt", "adam")]
    [TestCase("csharp_resume_plain_sgd.pt", "plain_sgd")]
    public void TheCSharpWrittenFixtures_AreExactlyWhatThisCodeWritesToday(string fixture, string optimizerName)
    {
        // Python verified these bytes (verify_csharp_fixtures.py); a change in the writers must regenerate and re-verify them.
        string path = Path.Combine(FixtureFolder, fixture);
        string copy = Path.Combine(NewTemporaryFolder(), fixture);
        try
        {
            using var model = TwoLayerNet(seed: 12345);
            using var optimizer = optimizerName == "none" ? null : MakeOptimizer(optimizerName, model);

            Checkpoint.Load(path, model, optimizer);
            Checkpoint.Save(copy, model, optimizer);

            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(path)));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    /// <summary>Rewrites the csharp_* fixtures; run on purpose, then verify them with Fixtures/verify_csharp_fixtures.py.</summary>
    [Test]
    [Explicit("Regenerates committed fixtures.")]
    public void RegenerateCSharpFixtures()
    {
        using var scope = NewDisposeScope();
        var input = Matrix(PyTorch.GetProperty("input"));
        var x = Matrix(PyTorch.GetProperty("x_train"));
        var y = Matrix(PyTorch.GetProperty("y_train"));
        var json = new JsonObject
        {
            ["sizes"] = new JsonArray(DIn, H, DOut),
            ["input"] = PyTorch.GetProperty("input").Deserialize<JsonNode>(),
            ["x_train"] = PyTorch.GetProperty("x_train").Deserialize<JsonNode>(),
            ["y_train"] = PyTorch.GetProperty("y_train").Deserialize<JsonNode>(),
        };

        using (var model = TwoLayerNet(21))
        using (var sgd = optim.SGD(model.parameters(), 1e-2))
        {
            Train(model, sgd, x, y, 3);
            Checkpoint.Save(Path.Combine(FixtureFolder, "csharp_twolayernet.pt"), model);
            Checkpoint.Save(Path.Combine(FixtureFolder, "csharp_twolayernet.safetensors"), model);
            json["twolayernet_predictions"] = Rows(model.forward(input));
        }

        foreach (var name in new[] { "sgd", "adam", "plain_sgd" })
        {
            using var model = TwoLayerNet(22);
            using optim.Optimizer optimizer = name switch
            {
                "sgd" => optim.SGD(model.parameters(), 1e-2, momentum: 0.9),
                "adam" => optim.Adam(model.parameters(), 1e-2),
                _ => optim.SGD(model.parameters(), 1e-2),
            };
            Train(model, optimizer, x, y, 5);
            Checkpoint.Save(Path.Combine(FixtureFolder, $"csharp_resume_{name}.pt"), model, optimizer);
            json[$"resume_{name}_losses"] = new JsonArray(Train(model, optimizer, x, y, 5).Select(l => (JsonNode)l).ToArray());
        }

        File.WriteAllText(Path.Combine(FixtureFolder, "csharp_fixtures.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// An optimizer of the kind a fixture holds. A file with optimizer state sets the hyperparameters, so those given here
    /// are placeholders; a plain-SGD file is the bare state_dict, so its lr (1e-2) is the one that wrote it.
    /// </summary>
    private static optim.Optimizer MakeOptimizer(string name, TorchTutorial.Modules.TwoLayerNet model) => name switch
    {
        "sgd" => optim.SGD(model.parameters(), 0.5, momentum: 0.1),
        "adam" => optim.Adam(model.parameters(), 0.5),
        "plain_sgd" => optim.SGD(model.parameters(), 1e-2),
        _ => throw new ArgumentException($"unknown optimizer '{name}'", nameof(name)),
    };

    private static JsonArray Rows(Tensor matrix)
    {
        var values = matrix.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        int columns = (int)matrix.shape[1];
        return new JsonArray(Enumerable.Range(0, values.Length / columns)
            .Select(r => (JsonNode)new JsonArray(values.Skip(r * columns).Take(columns).Select(v => (JsonNode)v).ToArray())).ToArray());
    }

    private static JsonElement ReadJson(string name) => JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFolder, name))).RootElement;
}
