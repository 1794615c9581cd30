using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;
using static TorchTutorial.Examples.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_tensor.py, the current tutorial's first script: fit <c>y = sin(x)</c> on [−π, π] by
/// <c>y = a + b x + c x^2 + d x^3</c> on raw tensors, with the gradients written by hand.
/// Expected output (defaults, seed 0): the loss falls from about 1e5 to about 12 over 2000 steps.
/// </summary>
public sealed class PolyTensorSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-tensor";

    /// <inheritdoc />
    public string Script => "polynomial_tensor.py";

    /// <inheritdoc />
    public string Title => "y = sin(x) by a third-order polynomial: tensors, gradients by hand";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-6;

    /// <inheritdoc />
    public bool Trains => true;

    /// <inheritdoc />
    public int DefaultSteps => 2000;

    /// <inheritdoc />
    public int DefaultLogEvery => 100;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => PolySections.Data;

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu")
        var dtype = context.DType;   // dtype = torch.float unless --dtype float64

        // Create random input and output data
        using var data = SineData.Create(device, dtype);
        var (x, y) = (data.X, data.Y);

        // Randomly initialize weights
        using var a = randn([], dtype: dtype, device: device);
        using var b = randn([], dtype: dtype, device: device);
        using var c = randn([], dtype: dtype, device: device);
        using var d = randn([], dtype: dtype, device: device);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass and loss, then backprop to compute gradients of a, b, c, d with respect to loss
            var (loss, grad_a, grad_b, grad_c, grad_d) = ForwardAndBackward(x, y, a, b, c, d);

            // Update weights using gradient descent: a -= learning_rate * grad_a
            a.sub_(learning_rate * grad_a);
            b.sub_(learning_rate * grad_b);
            c.sub_(learning_rate * grad_c);
            d.sub_(learning_rate * grad_d);
            return loss;
        });

        return SectionResult.Of(Name, result, $"Result: y = {Repr(a)} + {Repr(b)} x + {Repr(c)} x^2 + {Repr(d)} x^3");
    }

    /// <summary>The script's forward pass, loss and hand-written gradients, step for step.</summary>
    /// <returns>The loss <c>(y_pred - y).pow(2).sum()</c> and its gradients with respect to a, b, c and d.</returns>
    public static (Tensor loss, Tensor grad_a, Tensor grad_b, Tensor grad_c, Tensor grad_d) ForwardAndBackward(
        Tensor x, Tensor y, Tensor a, Tensor b, Tensor c, Tensor d)
    {
        // Forward pass: compute predicted y
        var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

        // Compute loss (the loop prints loss.item() when t % 100 == 99)
        var loss = (y_pred - y).pow(2).sum();

        // Backprop to compute gradients of a, b, c, d with respect to loss
        var grad_y_pred = 2.0 * (y_pred - y);
        var grad_a = grad_y_pred.sum();
        var grad_b = (grad_y_pred * x).sum();
        var grad_c = (grad_y_pred * x.pow(2)).sum();
        var grad_d = (grad_y_pred * x.pow(3)).sum();
        return (loss, grad_a, grad_b, grad_c, grad_d);
    }
}
