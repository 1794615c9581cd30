using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// two_layer_net_autograd.py, the note's first script: autograd computes the backward pass; the update runs under
/// <c>torch.no_grad()</c> and the gradients are zeroed by hand.
/// </summary>
public sealed class AutogradSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "autograd";

    /// <inheritdoc />
    public string Script => "two_layer_net_autograd.py";

    /// <inheritdoc />
    public string Title => "Autograd: loss.backward() computes the gradients";

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
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;   // torch.float unless --dtype float64
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random Tensors to hold input and outputs.
        using var data = RandomRegressionData.Create(context.Sizes, device, dtype);
        var (x, y) = (data.X, data.Y);

        // Create random Tensors for weights; requires_grad: true asks autograd for their gradients.
        using var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        using var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y using operations on Tensors.
            var y_pred = x.mm(w1).clamp(min: 0).mm(w2);

            // Compute the loss; the loop reads loss.item() and prints it.
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass.
            loss.backward();

            // Manually update weights using gradient descent; no_grad because the weights require grad.
            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);   // w1 -= learning_rate * w1.grad
                w2.sub_(learning_rate * w2.grad!);

                // Manually zero the gradients after updating weights
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            return loss;
        });
        return SectionResult.Of(Name, result);
    }
}
