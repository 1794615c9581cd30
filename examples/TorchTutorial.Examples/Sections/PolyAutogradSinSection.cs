// polynomial_autograd.py as it was until October 2025 (pytorch/tutorials PR #3597 moved it to exp(x); see
// PolyAutogradSection), the version the rest of the series follows: the same sin(x) fit as polynomial_tensor.py, with
// autograd computing the backward pass; the update runs under torch.no_grad() and the gradients are reset with
// a.grad = None.
// Expected output (seed 0; `-- poly-autograd-sin --format tutorial`): 99 3238.300537109375 ... 1999 12.286677360534668, then
// Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_autograd.py (2025, sin x): <c>loss.backward()</c> on four scalar weights, <c>grad = None</c> after each update.</summary>
public static class PolyAutogradSinSection
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

        // Create random Tensors for weights. For a third order polynomial, we need
        // 4 weights: y = a + b x + c x^2 + d x^3
        // Setting requires_grad=True indicates that we want to compute gradients with
        // respect to these Tensors during the backward pass.
        var a = randn([], device: device, dtype: dtype, requires_grad: true);
        var b = randn([], device: device, dtype: dtype, requires_grad: true);
        var c = randn([], device: device, dtype: dtype, requires_grad: true);
        var d = randn([], device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y using operations on Tensors.
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

            // Compute and print loss using operations on Tensors.
            // Now loss is a Tensor of shape (1,)
            // loss.item() gets the scalar value held in the loss (printed when t % 100 == 99).
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass. This call will compute the
            // gradient of loss with respect to all Tensors with requires_grad=True.
            // After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
            // the gradient of the loss with respect to a, b, c, d respectively.
            loss.backward();

            // Manually update weights using gradient descent. Wrap in torch.no_grad()
            // because weights have requires_grad=True, but we don't need to track this
            // in autograd.
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

        return SectionResult.Of(result, $"Result: y = {Repr(a)} + {Repr(b)} x + {Repr(c)} x^2 + {Repr(d)} x^3");
    }
}
