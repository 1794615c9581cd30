// polynomial_custom_function.py (today's tutorial): y = a + b * P3(c + d x), with the Legendre polynomial P3 as a
// custom autograd Function, LegendrePolynomial3 (declared below the training loop).
//   dotnet run tutorial/polynomial_custom_function.cs
// Expected output at seed 0, "t loss" every 100th step: 99 209.95834350585938 ... 1999 8.943641662597656, then
// Result: y = -6.71270206087371e-10 + -2.208526849746704 * P3(-3.392665037793563e-10 + 0.2554861009120941 x)
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: Repr, Python's float format for its print lines.

// The Python script is unseeded (and nothing below is random); the seed keeps every app starting the same way.
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

// Create random Tensors for weights. For this example, we need
// 4 weights: y = a + b * P3(c + d * x), these weights need to be initialized
// not too far from the correct result to ensure convergence.
// Setting requires_grad=True indicates that we want to compute gradients with
// respect to these Tensors during the backward pass.
var a = torch.full([], 0.0, device: device, dtype: dtype, requires_grad: true);
var b = torch.full([], -1.0, device: device, dtype: dtype, requires_grad: true);
var c = torch.full([], 0.0, device: device, dtype: dtype, requires_grad: true);
var d = torch.full([], 0.3, device: device, dtype: dtype, requires_grad: true);

var learning_rate = 5e-6;
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // To apply our Function, we use Function.apply method. We alias this as 'P3'.
    Func<Tensor, Tensor> P3 = input => LegendrePolynomial3.apply(input);

    // Forward pass: compute predicted y using operations; we compute
    // P3 using our custom autograd operation.
    var y_pred = a + b * P3(c + d * x);

    // Compute and print loss
    var loss = (y_pred - y).pow(2).sum();
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
    }

    // Use autograd to compute the backward pass.
    loss.backward();

    // Update weights using gradient descent
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

Console.WriteLine($"Result: y = {Repr(a.item<float>())} + {Repr(b.item<float>())} * P3({Repr(c.item<float>())} + {Repr(d.item<float>())} x)");

// C# declares classes after the top-level statements; the script declares LegendrePolynomial3 before its first statement.
class LegendrePolynomial3 : torch.autograd.SingleTensorFunction<LegendrePolynomial3>
{
    // We can implement our own custom autograd Functions by subclassing
    // torch.autograd.Function and implementing the forward and backward passes
    // which operate on Tensors.

    public override string Name => nameof(LegendrePolynomial3);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        // In the forward pass we receive a Tensor containing the input and return
        // a Tensor containing the output. ctx is a context object that can be used
        // to stash information for backward computation. You can cache arbitrary
        // objects for use in the backward pass using the ctx.save_for_backward method.
        var input = (Tensor)vars[0];
        ctx.save_for_backward([input]);
        return 0.5 * (5 * input.pow(3) - 3 * input);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        // In the backward pass we receive a Tensor containing the gradient of the loss
        // with respect to the output, and we need to compute the gradient of the loss
        // with respect to the input.
        var input = ctx.get_saved_variables()[0];   // input, = ctx.saved_tensors
        return [grad_output * 1.5 * (5 * input.pow(2) - 1)];
    }
}
