using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Checkpoints;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>Models, snapshots, training and fixture helpers shared by the checkpoint tests.</summary>
internal static class CheckpointTestSupport
{
    /// <summary>The sizes of the small tutorial nets used throughout (D_in, H, D_out).</summary>
    public const int DIn = 10, H = 6, DOut = 3;

    /// <summary>The folder of the committed fixtures.</summary>
    public static string FixtureFolder { get; } = Path.Combine(FindRepositoryRoot(), "tests", "TorchTutorial.Checkpoints.Tests", "Fixtures");

    /// <summary>Every format, for [TestCaseSource].</summary>
    public static CheckpointFormat[] AllFormats { get; } = [CheckpointFormat.TorchSharp, CheckpointFormat.PyTorch, CheckpointFormat.SafeTensors];

    /// <summary>The formats that carry optimizer state.</summary>
    public static CheckpointFormat[] OptimizerFormats { get; } = [CheckpointFormat.TorchSharp, CheckpointFormat.PyTorch];

    /// <summary>A file name whose extension selects <paramref name="format"/>.</summary>
    public static string FileName(CheckpointFormat format, string stem = "checkpoint") => format switch
    {
        CheckpointFormat.PyTorch => stem + ".pt",
        CheckpointFormat.SafeTensors => stem + ".safetensors",
        _ => stem + ".ckpt",
    };

    /// <summary>A tutorial TwoLayerNet(10, 6, 3) initialised from <paramref name="seed"/>.</summary>
    public static TwoLayerNet TwoLayerNet(int seed, int hidden = H, ScalarType? dtype = null)
    {
        manual_seed(seed);
        return new TwoLayerNet(DIn, hidden, DOut, dtype: dtype);
    }

    /// <summary>Model factories for the round-trip tests: each makes a model from a seed and predicts deterministically.</summary>
    public static IEnumerable<ModelFactory> Models()
    {
        yield return new ModelFactory("TwoLayerNet", seed => TwoLayerNet(seed), m => ((TwoLayerNet)m).forward(NetInput()));
        yield return new ModelFactory("TwoLayerSequential", seed =>
        {
            manual_seed(seed);
            return TestModels.TwoLayerSequential(DIn, H, DOut);
        }, m => ((Sequential)m).forward(NetInput()));
        yield return new ModelFactory("DynamicNet", seed =>
        {
            manual_seed(seed);
            return new DynamicNet(DIn, H, DOut, new TorchTutorial.Python.PythonRandom(seed));
        }, m => ((DynamicNet)m).forward(NetInput(), 2));
        yield return new ModelFactory("Polynomial3", seed =>
        {
            manual_seed(seed);
            return new Polynomial3();
        }, m => ((Polynomial3)m).forward(PolyInput()));
        yield return new ModelFactory("PolynomialSequential", seed =>
        {
            manual_seed(seed);
            return TestModels.PolynomialSequential();
        }, m => ((Sequential)m).forward(PolyInput().unsqueeze(-1).pow(tensor(new long[] { 1, 2, 3 }))));
    }

    /// <summary>A fixed 4 × 10 input for the two-layer nets.</summary>
    public static Tensor NetInput() => linspace(-2, 2, 4 * DIn).reshape(4, DIn);

    /// <summary>A fixed input for the polynomial models.</summary>
    public static Tensor PolyInput() => linspace(-Math.PI, Math.PI, 20);

    /// <summary>Every tensor of the model's state_dict, as bytes.</summary>
    public static Dictionary<string, byte[]> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().bytes.ToArray());

    /// <summary>True when two snapshots hold the same names and bytes.</summary>
    public static bool SameState(Dictionary<string, byte[]> a, Dictionary<string, byte[]> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && kv.Value.AsSpan().SequenceEqual(other));

    /// <summary>The optimizer's whole state as TorchSharp's own <c>save_state_dict</c> encodes it.</summary>
    public static byte[] Snapshot(optim.Optimizer optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Runs <paramref name="steps"/> steps of the tutorial loop (sum-of-squares loss) and returns the losses.</summary>
    public static List<double> Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, int steps)
    {
        var losses = new List<double>();
        using var lossFunction = nn.MSELoss(reduction: nn.Reduction.Sum);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var loss = lossFunction.forward(model.forward(x), y);
            losses.Add(loss.ToDouble());
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        return losses;
    }

    /// <summary>The largest |a - b| / max(1, |b|) over two equally shaped tensors.</summary>
    public static double MaxRelativeDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.to_type(ScalarType.Float64);
        var b = expected.to_type(ScalarType.Float64);
        return ((a - b).abs() / b.abs().clamp(min: 1.0)).max().item<double>();
    }

    /// <summary>The largest |a - b| over two equally shaped tensors.</summary>
    public static double MaxAbsoluteDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        return (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    /// <summary>A float32 tensor from a JSON array of arrays of numbers.</summary>
    public static Tensor Matrix(JsonElement rows)
    {
        var values = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        return tensor(values.SelectMany(r => r).ToArray(), [values.Length, values[0].Length]);
    }

    /// <summary>The folder holding TorchTutorial.sln (the fixtures are read, and regenerated, in the source tree).</summary>
    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TorchTutorial.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TorchTutorial.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>A fresh, empty temporary folder.</summary>
    public static string NewTemporaryFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "torchtutorial-checkpoints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}

/// <summary>Makes a model from a seed and predicts with it on a fixed input (DynamicNet at a fixed depth).</summary>
public sealed record ModelFactory(string Name, Func<int, nn.Module> Create, Func<nn.Module, Tensor> Predict)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
