// polynomial_autograd.py as on the tutorial page today (pytorch/tutorials main since PR #3597, October 2025): a
// third-order polynomial fitted to y = exp(x) on [-1, 1], autograd computing the backward pass, 5000 steps at lr 1e-5,
// printing the loss relative to the first step's and the four weights every 100th step. The sin(x) version that the
// rest of the series follows is PolyAutogradSinSection.
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_autograd/polynomial_autograd.py
// Expected output (seed 0; `-- poly-autograd --format tutorial`): Using cpu device, then
// Iteration t =   99  loss(t)/loss(0) =   0.293730  a =   1.673119  b =   0.368485  c =  -1.343457  d =   0.909821 ...
// Iteration t = 4999  loss(t)/loss(0) =   0.000029  a =   0.996291  b =   0.978295  c =   0.536748  d =   0.207246, then
// Result: y = 0.9962908625602722 + 0.9783077239990234 x + 0.5367482900619507 x^2 + 0.2072255164384842 x^3
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_autograd.py (today's): <c>loss.backward()</c> on four scalar weights fitting exp(x), <c>grad = None</c>
/// after each update. It prints its own lines (<see cref="TutorialSection.PrintsOwnLines"/>) to <see cref="SectionContext.Output"/>.
/// </summary>
public static class PolyAutogradSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        // We want to be able to train our model on an accelerator
        // such as CUDA, MPS, MTIA, or XPU. If the current accelerator is available, we will use it. Otherwise, we use the CPU.
        // The workbench's --device stands for torch.accelerator (TorchSharp has none): the CPU unless --device cuda.
        var dtype = context.DType;
        var device = context.Device;
        context.Output.WriteLine($"Using {device.type.ToString().ToLowerInvariant()} device");
        // torch.set_default_device(device) is a process-wide setting: the section names the device on each tensor instead.

        // Create Tensors to hold input and outputs.
        // By default, requires_grad=False, which indicates that we do not need to
        // compute gradients with respect to these Tensors during the backward pass.
        var x = linspace(-1, 1, 2000, device: device, dtype: dtype);
        var y = exp(x); // A Taylor expansion would be 1 + x + (1/2) x**2 + (1/3!) x**3 + ...

        // Create random Tensors for weights. For a third order polynomial, we need
        // 4 weights: y = a + b x + c x^2 + d x^3
        // Setting requires_grad=True indicates that we want to compute gradients with
        // respect to these Tensors during the backward pass.
        var a = randn([], device: device, dtype: dtype, requires_grad: true);
        var b = randn([], device: device, dtype: dtype, requires_grad: true);
        var c = randn([], device: device, dtype: dtype, requires_grad: true);
        var d = randn([], device: device, dtype: dtype, requires_grad: true);

        var initial_loss = 1.0;
        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y using operations on Tensors.
            var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

            // Compute and print loss using operations on Tensors.
            // Now loss is a Tensor of shape (1,)
            // loss.item() gets the scalar value held in the loss.
            var loss = (y_pred - y).pow(2).sum();

            // Calculate initial loss, so we can report loss relative to it
            if (t == 0)
            {
                initial_loss = loss.ToDouble();
            }

            if (context.IsLogged(t)) // t % 100 == 99
            {
                // Python's {v:10.6f} is .NET's {v,10:F6}; both round the exact value half to even.
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Iteration t = {t,4}  loss(t)/loss(0) = {loss.ToDouble() / initial_loss,10:F6}  a = {a.ToDouble(),10:F6}  b = {b.ToDouble(),10:F6}  c = {c.ToDouble(),10:F6}  d = {d.ToDouble(),10:F6}"));
            }

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
                a.sub_(learning_rate * a.grad!); // a -= learning_rate * a.grad
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
