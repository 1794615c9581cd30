// polynomial_tensor.py, today's first script: y = sin(x) on [-pi, pi] fitted by y = a + b x + c x^2 + d x^3 on raw
// tensors, with the gradients written by hand.
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_tensor/polynomial_tensor.py
// Expected output (seed 0; `-- poly-tensor --format tutorial`): 99 3238.300537109375 ... 1999 12.286677360534668, then
// Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_tensor.py: a third-order polynomial on raw tensors, gradients written by hand.</summary>
public static class PolyTensorSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // Create random input and output data
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // Randomly initialize weights
        var a = randn([], device: device, dtype: dtype);
        var b = randn([], device: device, dtype: dtype);
        var c = randn([], device: device, dtype: dtype);
        var d = randn([], device: device, dtype: dtype);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

            // Compute and print loss (the training loop prints loss.item() when t % 100 == 99)
            var loss = (y_pred - y).pow(2).sum();

            // Backprop to compute gradients of a, b, c, d with respect to loss
            var grad_y_pred = 2.0 * (y_pred - y);
            var grad_a = grad_y_pred.sum();
            var grad_b = (grad_y_pred * x).sum();
            var grad_c = (grad_y_pred * x.pow(2)).sum();
            var grad_d = (grad_y_pred * x.pow(3)).sum();

            // Update weights using gradient descent
            a.sub_(learning_rate * grad_a);   // a -= learning_rate * grad_a
            b.sub_(learning_rate * grad_b);
            c.sub_(learning_rate * grad_c);
            d.sub_(learning_rate * grad_d);
            return loss;
        });

        return SectionResult.Of(result, $"Result: y = {Repr(a)} + {Repr(b)} x + {Repr(c)} x^2 + {Repr(d)} x^3");
    }
}
