using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;
using static TorchTutorial.Examples.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_autograd.py: the same polynomial fit, with autograd computing the backward pass; the update runs under
/// <c>torch.no_grad()</c> and the gradients are reset by hand with <c>a.grad = None</c>.
/// </summary>
public sealed class PolyAutogradSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-autograd";

    /// <inheritdoc />
    public string Script => "polynomial_autograd.py";

    /// <inheritdoc />
    public string Title => "y = sin(x) by a third-order polynomial: autograd computes the gradients";

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

        // Create Tensors to hold input and outputs; they need no gradients.
        using var data = SineData.Create(device, dtype);
        var (x, y) = (data.X, data.Y);

        // Create random Tensors for weights. For a third order polynomial, we need
        // 4 weights: y = a + b x + c x^2 + d x^3
        // requires_grad: true asks autograd for their gradients in the backward pass.
        using var a = randn([], dtype: dtype, device: device, requires_grad: true);
        using var b = randn([], dtype: dtype, device: device, requires_grad: true);
        using var c = randn([], dtype: dtype, device: device, requires_grad: true);
        using var d = randn([], dtype: dtype, device: device, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y using operations on Tensors.
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

            // Compute the loss using operations on Tensors; the loop prints loss.item() when t % 100 == 99.
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass: a.grad ... d.grad then hold the gradients.
            loss.backward();

            // Manually update weights using gradient descent; no_grad because the weights require grad.
            using (no_grad())
            {
                a.sub_(learning_rate * a.grad!);   // a -= learning_rate * a.grad
                b.sub_(learning_rate * b.grad!);
                c.sub_(learning_rate * c.grad!);
                d.sub_(learning_rate * d.grad!);

                // Manually zero the gradients after updating weights: a.grad = None, as the script does. The next
                // backward then stores its gradient afresh instead of adding it to a zeroed one; the values are the
                // same (0 + g == g), and no gradient tensor outlives the step.
                a.grad = null;
                b.grad = null;
                c.grad = null;
                d.grad = null;
            }

            return loss;
        });

        return SectionResult.Of(Name, result, $"Result: y = {Repr(a)} + {Repr(b)} x + {Repr(c)} x^2 + {Repr(d)} x^3");
    }
}
