// polynomial_tensor.py (today's tutorial): y = sin(x) fitted by a + b x + c x^2 + d x^3, gradients written by hand.
//   dotnet run tutorial/polynomial_tensor.cs
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

// Create random input and output data
var x = torch.linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
var y = torch.sin(x);

// Randomly initialize weights
var a = torch.randn([], device: device, dtype: dtype);
var b = torch.randn([], device: device, dtype: dtype);
var c = torch.randn([], device: device, dtype: dtype);
var d = torch.randn([], device: device, dtype: dtype);

var learning_rate = 1e-6;
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y
    // y = a + b x + c x^2 + d x^3
    var y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);

    // Compute and print loss
    var loss = (y_pred - y).pow(2).sum().item<float>();
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss)}");
    }

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
}

Console.WriteLine($"Result: y = {Repr(a.item<float>())} + {Repr(b.item<float>())} x + {Repr(c.item<float>())} x^2 + {Repr(d.item<float>())} x^3");
