using System.Globalization;
using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// The note's static-vs-dynamic-graph section (tf_two_layer_net.py in the tutorial): the two-layer forward pass and
/// loss are compiled once as TorchScript and run every step, as TensorFlow 1 builds its graph once. Beside it the
/// eager (dynamic) version, whose graph is rebuilt every step, trains from the same weights; the section checks
/// that both compute the same outputs and times both.
/// </summary>
public sealed class StaticGraphSection : ITutorialSection
{
    /// <summary>The TorchScript source compiled once: the same operations as the autograd section.</summary>
    public const string Source = """
        def predict(x, w1, w2):
            return x.mm(w1).clamp(min=0).mm(w2)

        def loss_fn(x, y, w1, w2):
            y_pred = predict(x, w1, w2)
            return (y_pred - y).pow(2).sum()

        """;

    /// <inheritdoc />
    public string Name => "static-graph";

    /// <inheritdoc />
    public string Script => "tf_two_layer_net.py";

    /// <inheritdoc />
    public string Title => "Static graph: TorchScript compiled once vs the eager graph rebuilt each step";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-6;

    /// <inheritdoc />
    public bool Trains => true;

    /// <inheritdoc />
    public int DefaultSteps => 500;

    /// <inheritdoc />
    public int DefaultLogEvery => 1;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => sizes.ToString();

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        var device = context.Device;
        var dtype = context.DType;   // torch.float unless --dtype float64
        var (N, D_in, H, D_out) = context.Sizes;

        using var data = RandomRegressionData.Create(context.Sizes, device, dtype);
        var (x, y) = (data.X, data.Y);
        using var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        using var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        // The eager run starts from copies of the same weights.
        using var w1_eager = w1.clone().detach_().requires_grad_(true);
        using var w2_eager = w2.clone().detach_().requires_grad_(true);

        // Build the graph once.
        using var graph = jit.compile(Source);
        bool sameOutputs = SameOutputs(graph, x, w1, w2);

        var learning_rate = context.LearningRate;
        var compiled = context.Train(t => Step(graph.invoke<Tensor>("loss_fn", x, y, w1, w2), w1, w2, learning_rate));

        // The dynamic graph: the same operations, traced anew every step.
        var eager = new TrainingLoop(context.Training).Run(
            t => Step((x.mm(w1_eager).clamp(min: 0).mm(w2_eager) - y).pow(2).sum(), w1_eager, w2_eager, learning_rate),
            progress: null, context.CancellationToken);

        // Every step both runs completed, eager as the reference; floor 0: no step is too small to compare.
        int common = Math.Min(compiled.StepsCompleted, eager.StepsCompleted);
        double deviation = common == 0 ? 0 : LossComparison.Compare(eager.Losses.Take(common).ToArray(), compiled.Losses.Take(common).ToArray(), floor: 0).Worst;
        var invariant = CultureInfo.InvariantCulture;
        return new SectionResult(Name, compiled,
        [
            $"outputs of the compiled and eager forward pass are {(sameOutputs ? "identical" : "DIFFERENT")} on the initial weights",
            string.Format(invariant, "TorchScript (graph compiled once): {0:F3} ms/step", compiled.TimePerStep.TotalMilliseconds),
            string.Format(invariant, "eager (graph rebuilt every step):  {0:F3} ms/step", eager.TimePerStep.TotalMilliseconds),
            string.Format(invariant, "largest relative difference between their losses over {0} steps: {1:E2}", common, deviation),
        ]);
    }

    /// <summary>True when the compiled forward pass returns exactly what the eager one does.</summary>
    public static bool SameOutputs(jit.CompilationUnit graph, Tensor x, Tensor w1, Tensor w2)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var compiled = graph.invoke<Tensor>("predict", x, w1, w2);
        var eager = x.mm(w1).clamp(min: 0).mm(w2);
        return compiled.equal(eager).all().item<bool>();
    }

    private static Tensor Step(Tensor loss, Tensor w1, Tensor w2, double learning_rate)
    {
        loss.backward();
        using (no_grad())
        {
            w1.sub_(learning_rate * w1.grad!);
            w2.sub_(learning_rate * w2.grad!);
            w1.grad!.zero_();
            w2.grad!.zero_();
        }

        return loss;
    }
}
