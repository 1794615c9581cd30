// polynomial_custom_function.py: y = a + b P3(c + d x), where P3 is the Legendre polynomial of degree three computed by
// a custom autograd Function, LegendrePolynomial3 (in the library: Functions/LegendrePolynomial3.cs).
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_autograd/polynomial_custom_function.py
// Expected output (seed 0; `-- poly-custom-function --format tutorial`): 99 209.95834350585938 ... 1999 8.943641662597656,
// then Result: y = -6.71270206087371e-10 + -2.208526849746704 * P3(-3.392665037793563e-10 + 0.2554861009120941 x)
using TorchTutorial.Functions;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_custom_function.py: <see cref="LegendrePolynomial3"/>, a custom Function with its own backward.</summary>
public static class PolyCustomFunctionSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // Create Tensors to hold input and outputs.
        // By default, requires_grad=False, which indicates that we do not need to
        // compute gradients with respect to these Tensors during the backward pass.
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // Create random Tensors for weights. For this example, we need
        // 4 weights: y = a + b * P3(c + d * x), these weights need to be initialized
        // not too far from the correct result to ensure convergence.
        // Setting requires_grad=True indicates that we want to compute gradients with
        // respect to these Tensors during the backward pass.
        var a = full([], 0.0, device: device, dtype: dtype, requires_grad: true);
        var b = full([], -1.0, device: device, dtype: dtype, requires_grad: true);
        var c = full([], 0.0, device: device, dtype: dtype, requires_grad: true);
        var d = full([], 0.3, device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // To apply our Function, we use Function.apply method. We alias this as 'P3'.
            Func<Tensor, Tensor> P3 = input => LegendrePolynomial3.apply(input);

            // Forward pass: compute predicted y using operations; we compute
            // P3 using our custom autograd operation.
            var y_pred = a + b * P3(c + d * x);

            // Compute and print loss (printed when t % 100 == 99)
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass.
            loss.backward();

            // Update weights using gradient descent
            using (no_grad())
            {
                a.sub_(learning_rate * a.grad!);   // a -= learning_rate * a.grad
                b.sub_(learning_rate * b.grad!);
                c.sub_(learning_rate * c.grad!);
                d.sub_(learning_rate * d.grad!);

                // Manually zero the gradients after updating weights
                a.grad = null;
                b.grad = null;
                c.grad = null;
                d.grad = null;
            }

            return loss;
        });

        return SectionResult.Of(result, $"Result: y = {Repr(a)} + {Repr(b)} * P3({Repr(c)} + {Repr(d)} x)");
    }
}
