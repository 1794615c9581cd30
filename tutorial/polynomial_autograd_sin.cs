// polynomial_autograd.py as it was until October 2025, the version the rest of the series follows: the sin(x) fit of
// polynomial_tensor.py with autograd; the gradients are reset with grad = None. Today's exp(x) version:
// polynomial_autograd.cs.
//   dotnet run tutorial/polynomial_autograd_sin.cs
// Expected output at seed 0, "t loss" every 100th step: 99 3238.300537109375 ... 1999 12.286677360534668, then
// Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchTutorial.Output.PythonFloat;

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum in another order (other last digits).
torch.set_num_threads(1);

var dtype = torch.float32;
var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// Create Tensors to hold input and outputs.
// By default, requires_grad=False, which indicates that we do not need to
// compute gradients with respect to these Tensors during the backward pass.
var x = torch.linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
var y = torch.sin(x);

// Create random Tensors for weights. For a third order polynomial, we need
// 4 weights: y = a + b x + c x^2 + d x^3
// Setting requires_grad=True indicates that we want to compute gradients with
// respect to these Tensors during the backward pass.
var a = torch.randn([], device: device, dtype: dtype, requires_grad: true);
var b = torch.randn([], device: device, dtype: dtype, requires_grad: true);
var c = torch.randn([], device: device, dtype: dtype, requires_grad: true);
var d = torch.randn([], device: device, dtype: dtype, requires_grad: true);

var learning_rate = 1e-6;
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y using operations on Tensors.
    var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

    // Compute and print loss using operations on Tensors.
    // Now loss is a Tensor of shape (1,)
    // loss.item() gets the scalar value held in the loss.
    var loss = (y_pred - y).pow(2).sum();
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
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
}

Console.WriteLine($"Result: y = {Repr(a.item<float>())} + {Repr(b.item<float>())} x + {Repr(c.item<float>())} x^2 + {Repr(d.item<float>())} x^3");
