// tf_two_layer_net.py: TensorFlow 1 builds the computational graph once and runs it 500 times. Here the forward pass and
// loss are compiled once as TorchScript; beside it the eager (dynamic) graph, rebuilt every step, trains from the same
// weights, and the section shows that both compute the same losses and how long each takes.
// https://github.com/pytorch/tutorials/blob/12645e91811595c58a0de1308639aef9870a2be5/beginner_source/examples_autograd/tf_two_layer_net.py
// Expected output (seed 0; `-- static-graph --format tutorial`): 0 29428664.0 ... 499 3.0050463465158828e-05 (the autograd losses)
using System.Globalization;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>tf_two_layer_net.py: the graph built once (TorchScript) against the graph rebuilt every step (eager).</summary>
public static class StaticGraphSection
{
    /// <summary>
    /// The graph, built once: the autograd section's forward pass and loss as TorchScript (TensorFlow 1's placeholders
    /// x, y and variables w1, w2 become the function's arguments).
    /// </summary>
    public const string Source = """
        def predict(x, w1, w2):
            return x.mm(w1).clamp(min=0).mm(w2)

        def loss_fn(x, y, w1, w2):
            y_pred = predict(x, w1, w2)
            return (y_pred - y).pow(2).sum()

        """;

    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random numpy arrays for the input data x, the target data y and the weights.
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);
        var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        // The eager run starts from copies of the same weights.
        var w1_eager = w1.clone().detach_().requires_grad_(true);
        var w2_eager = w2.clone().detach_().requires_grad_(true);

        // Set up the computational graph once: the forward pass and the loss.
        using var graph = jit.compile(Source);
        bool sameOutputs;
        using (no_grad())
        {
            sameOutputs = graph.invoke<Tensor>("predict", x, w1, w2).equal(x.mm(w1).clamp(min: 0).mm(w2)).all().item<bool>();
        }

        // Run the graph many times; each step computes the loss and the gradients, then updates the weights.
        var learning_rate = context.LearningRate;
        var compiled = context.Train(t =>
        {
            var loss = graph.invoke<Tensor>("loss_fn", x, y, w1, w2);
            loss.backward();
            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);
                w2.sub_(learning_rate * w2.grad!);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            return loss;
        });

        // The dynamic graph: the same operations, traced anew every step (not printed).
        var eager = context.Train(t =>
        {
            var loss = (x.mm(w1_eager).clamp(min: 0).mm(w2_eager) - y).pow(2).sum();
            loss.backward();
            using (no_grad())
            {
                w1_eager.sub_(learning_rate * w1_eager.grad!);
                w2_eager.sub_(learning_rate * w2_eager.grad!);
                w1_eager.grad!.zero_();
                w2_eager.grad!.zero_();
            }

            return loss;
        }, progress: null);

        // Every step both runs completed, eager as the reference; floor 0: no step is too small to compare.
        int common = Math.Min(compiled.StepsCompleted, eager.StepsCompleted);
        double deviation = common == 0 ? 0 : LossComparison.Compare(eager.Losses.Take(common).ToArray(), compiled.Losses.Take(common).ToArray(), floor: 0).Worst;
        var invariant = CultureInfo.InvariantCulture;
        return new SectionResult(compiled,
        [
            $"outputs of the compiled and eager forward pass are {(sameOutputs ? "identical" : "DIFFERENT")} on the initial weights",
            string.Format(invariant, "TorchScript (graph compiled once): {0:F3} ms/step", compiled.TimePerStep.TotalMilliseconds),
            string.Format(invariant, "eager (graph rebuilt every step):  {0:F3} ms/step", eager.TimePerStep.TotalMilliseconds),
            string.Format(invariant, "largest relative difference between their losses over {0} steps: {1:E2}", common, deviation),
        ]);
    }
}
