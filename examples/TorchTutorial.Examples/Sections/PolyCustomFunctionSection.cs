using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Functions;
using static TorchSharp.torch;
using static TorchTutorial.Examples.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_custom_function.py: <c>y = a + b * P3(c + d * x)</c>, where P3 is <see cref="LegendrePolynomial3"/>, a
/// custom autograd Function with its own forward and backward. The weights start near the answer
/// (a = 0, b = −1, c = 0, d = 0.3 by <c>torch.full</c>), so nothing here is random.
/// </summary>
public sealed class PolyCustomFunctionSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-custom-function";

    /// <inheritdoc />
    public string Script => "polynomial_custom_function.py";

    /// <inheritdoc />
    public string Title => "Custom autograd Function: y = a + b P3(c + d x), LegendrePolynomial3 with its own backward";

    /// <inheritdoc />
    public double DefaultLearningRate => 5e-6;

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

        // Create Tensors to hold input and outputs.
        using var data = SineData.Create(device, dtype);
        var (x, y) = (data.X, data.Y);

        // Create Tensors for weights: y = a + b * P3(c + d * x). These weights need to be initialized
        // not too far from the correct result to ensure convergence.
        using var a = full([], 0.0, dtype: dtype, device: device, requires_grad: true);
        using var b = full([], -1.0, dtype: dtype, device: device, requires_grad: true);
        using var c = full([], 0.0, dtype: dtype, device: device, requires_grad: true);
        using var d = full([], 0.3, dtype: dtype, device: device, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // To apply our Function, we use Function.apply. We alias this as 'P3'.
            Func<Tensor, Tensor> P3 = input => LegendrePolynomial3.apply(input);

            // Forward pass: compute predicted y using operations; we compute
            // P3 using our custom autograd operation.
            var y_pred = a + b * P3(c + d * x);

            // Compute the loss; the loop prints loss.item() when t % 100 == 99.
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass.
            loss.backward();

            // Update weights using gradient descent
            using (no_grad())
            {
                a.sub_(learning_rate * a.grad!);
                b.sub_(learning_rate * b.grad!);
                c.sub_(learning_rate * c.grad!);
                d.sub_(learning_rate * d.grad!);

                // Manually zero the gradients after updating weights (a.grad = None)
                a.grad = null;
                b.grad = null;
                c.grad = null;
                d.grad = null;
            }

            return loss;
        });

        return SectionResult.Of(Name, result, $"Result: y = {Repr(a)} + {Repr(b)} * P3({Repr(c)} + {Repr(d)} x)");
    }
}
