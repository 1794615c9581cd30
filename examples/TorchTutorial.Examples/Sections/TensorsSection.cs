using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// two_layer_net_tensor.py: a two-layer network on raw tensors, with the backward pass written by hand.
/// Expected output (defaults, seed 0): the loss falls from about 3e7 to about 1e-4 over 500 steps.
/// </summary>
public sealed class TensorsSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "tensors";

    /// <inheritdoc />
    public string Script => "two_layer_net_tensor.py";

    /// <inheritdoc />
    public string Title => "Tensors: forward and backward passes written by hand";

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

        // Create random input and output data
        using var data = RandomRegressionData.Create(context.Sizes, device, dtype);
        var (x, y) = (data.X, data.Y);

        // Randomly initialize weights
        using var w1 = randn(D_in, H, device: device, dtype: dtype);
        using var w2 = randn(H, D_out, device: device, dtype: dtype);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass and loss, then backprop to compute gradients of w1 and w2 with respect to loss
            var (loss, grad_w1, grad_w2) = ForwardAndBackward(x, y, w1, w2);

            // Update weights using gradient descent: w1 -= learning_rate * grad_w1
            w1.sub_(learning_rate * grad_w1);
            w2.sub_(learning_rate * grad_w2);
            return loss;
        });
        return SectionResult.Of(Name, result);
    }

    /// <summary>The script's forward pass, loss and hand-written gradients, step for step.</summary>
    /// <returns>The loss <c>(y_pred - y).pow(2).sum()</c> and its gradients with respect to w1 and w2.</returns>
    public static (Tensor loss, Tensor grad_w1, Tensor grad_w2) ForwardAndBackward(Tensor x, Tensor y, Tensor w1, Tensor w2)
    {
        // Forward pass: compute predicted y
        var h = x.mm(w1);
        var h_relu = h.clamp(min: 0);
        var y_pred = h_relu.mm(w2);

        // Compute loss
        var loss = (y_pred - y).pow(2).sum();

        // Backprop to compute gradients of w1 and w2 with respect to loss
        var grad_y_pred = 2.0 * (y_pred - y);
        var grad_w2 = h_relu.t().mm(grad_y_pred);
        var grad_h_relu = grad_y_pred.mm(w2.t());
        var grad_h = grad_h_relu.clone();
        grad_h.masked_fill_(h < 0, 0);   // grad_h[h < 0] = 0
        var grad_w1 = x.t().mm(grad_h);
        return (loss, grad_w1, grad_w2);
    }
}
