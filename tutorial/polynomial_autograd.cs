// polynomial_autograd.py as on the tutorial page today (pytorch/tutorials main since PR #3597, October 2025): a
// third-order polynomial fitted to y = exp(x) on [-1, 1] with autograd, printing the loss relative to the first step's
// and the four weights. The sin(x) version that the rest of the series follows: polynomial_autograd_sin.cs.
//   dotnet run tutorial/polynomial_autograd.cs
// Expected output at seed 0: "Using cpu device", then every 100th step
// Iteration t =   99  loss(t)/loss(0) =   0.293730  a =   1.673119  b =   0.368485  c =  -1.343457  d =   0.909821
// ...
// Iteration t = 4999  loss(t)/loss(0) =   0.000029  a =   0.996291  b =   0.978295  c =   0.536748  d =   0.207246
// Result: y = 0.9962908625602722 + 0.9783077239990234 x + 0.5367482900619507 x^2 + 0.2072255164384842 x^3
#:project ../src/TorchTutorial
#:property PublishAot=false
using System.Globalization;
using TorchSharp;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: Repr, Python's float format for the Result line.

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum in another order (other last digits).
torch.set_num_threads(1);

// We want to be able to train our model on an accelerator
// such as CUDA, MPS, MTIA, or XPU. If the current accelerator is available, we will use it. Otherwise, we use the CPU.
// TorchSharp has no torch.accelerator: the accelerators it drives are CUDA and (on macOS) MPS, each with its own
// is-available check, so this line asks both, in torch.accelerator's order, and names the device type.
var dtype = torch.float32;
var device = torch.cuda.is_available() ? "cuda" : torch.mps_is_available() ? "mps" : "cpu";
Console.WriteLine($"Using {device} device");
torch.set_default_device(torch.device(device));

// Create Tensors to hold input and outputs.
// By default, requires_grad=False, which indicates that we do not need to
// compute gradients with respect to these Tensors during the backward pass.
var x = torch.linspace(-1, 1, 2000, dtype: dtype);
var y = torch.exp(x); // A Taylor expansion would be 1 + x + (1/2) x**2 + (1/3!) x**3 + ...

// Create random Tensors for weights. For a third order polynomial, we need
// 4 weights: y = a + b x + c x^2 + d x^3
// Setting requires_grad=True indicates that we want to compute gradients with
// respect to these Tensors during the backward pass.
var a = torch.randn([], dtype: dtype, requires_grad: true);
var b = torch.randn([], dtype: dtype, requires_grad: true);
var c = torch.randn([], dtype: dtype, requires_grad: true);
var d = torch.randn([], dtype: dtype, requires_grad: true);

var initial_loss = 1.0;
var learning_rate = 1e-5;
for (int t = 0; t < 5000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y using operations on Tensors.
    var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

    // Compute and print loss using operations on Tensors.
    // Now loss is a Tensor of shape (1,)
    // loss.item() gets the scalar value held in the loss.
    var loss = (y_pred - y).pow(2).sum();

    // Calculate initial loss, so we can report loss relative to it
    if (t == 0)
    {
        initial_loss = loss.item<float>();
    }

    if (t % 100 == 99)
    {
        // Python's {v:10.6f} is .NET's {v,10:F6}; both round the exact value half to even, so round(v, 6) first changes nothing.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Iteration t = {t,4}  loss(t)/loss(0) = {loss.item<float>() / initial_loss,10:F6}  a = {a.item<float>(),10:F6}  b = {b.item<float>(),10:F6}  c = {c.item<float>(),10:F6}  d = {d.item<float>(),10:F6}"));
    }

    // Use autograd to compute the backward pass. This call will compute the
    // gradient of loss with respect to all Tensors with requires_grad=True.
    // After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
    // the gradient of the loss with respect to a, b, c, d respectively.
    loss.backward();

    // Manually update weights using gradient descent. Wrap in torch.no_grad()
    // because weights have requires_grad=True, but we don't need to track this
    // in autograd.
    using (torch.no_grad())
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
}

Console.WriteLine($"Result: y = {Repr(a.item<float>())} + {Repr(b.item<float>())} x + {Repr(c.item<float>())} x^2 + {Repr(d.item<float>())} x^3");
