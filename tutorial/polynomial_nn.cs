// polynomial_nn.py (today's tutorial): the cubic as nn.Sequential(Linear(3, 1), Flatten(0, 1)) on (x, x^2, x^3).
//   dotnet run tutorial/polynomial_nn.cs
// Expected output at seed 0, "t loss" every 100th step: 99 582.650390625 ... 1999 9.177204132080078, then
// Result: y = -0.01462855190038681 + 0.8441022634506226 x + 0.0025236692745238543 x^2 + -0.09153266251087189 x^3
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum in another order (other last digits).
torch.set_num_threads(1);

// The Python script runs on the CPU without a device line; this one switches like the others.
var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// Create Tensors to hold input and outputs.
var x = torch.linspace(-Math.PI, Math.PI, 2000).to(device);
var y = torch.sin(x);

// For this example, the output y is a linear function of (x, x^2, x^3), so
// we can consider it as a linear layer neural network. Let's prepare the
// tensor (x, x^2, x^3).
var p = torch.tensor(new long[] { 1, 2, 3 }).to(device);
var xx = x.unsqueeze(-1).pow(p);

// In the above code, x.unsqueeze(-1) has shape (2000, 1), and p has shape
// (3,), for this case, broadcasting semantics will apply to obtain a tensor
// of shape (2000, 3)

// Use the nn package to define our model as a sequence of layers. nn.Sequential
// is a Module which contains other Modules, and applies them in sequence to
// produce its output. The Linear Module computes output from input using a
// linear function, and holds internal Tensors for its weight and bias.
// The Flatten layer flatens the output of the linear layer to a 1D tensor,
// to match the shape of `y`.
var model = nn.Sequential(
    nn.Linear(3, 1),
    nn.Flatten(0, 1)
).to(device);

// The nn package also contains definitions of popular loss functions; in this
// case we will use Mean Squared Error (MSE) as our loss function.
var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

var learning_rate = 1e-6;
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y by passing x to the model. Module objects
    // can be called like functions (model.forward(xx) here). When doing so you pass
    // a Tensor of input data to the Module and it produces a Tensor of output data.
    var y_pred = model.forward(xx);

    // Compute and print loss. We pass Tensors containing the predicted and true
    // values of y, and the loss function returns a Tensor containing the
    // loss.
    var loss = loss_fn.forward(y_pred, y);
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
    }

    // Zero the gradients before running the backward pass.
    model.zero_grad();

    // Backward pass: compute gradient of the loss with respect to all the learnable
    // parameters of the model. Internally, the parameters of each Module are stored
    // in Tensors with requires_grad=True, so this call will compute gradients for
    // all learnable parameters in the model.
    loss.backward();

    // Update the weights using gradient descent. Each parameter is a Tensor, so
    // we can access its gradients like we did before.
    using (torch.no_grad())
    {
        foreach (var param in model.parameters())
        {
            param.sub_(learning_rate * param.grad!);   // param -= learning_rate * param.grad
        }
    }
}

// You can access the first layer of `model` like accessing the first item of a list
var linear_layer = (Linear)model[0];

// For linear layer, its parameters are stored as `weight` and `bias`.
Console.WriteLine($"Result: y = {Repr(linear_layer.bias!.item<float>())} + {Repr(linear_layer.weight![.., 0].item<float>())} x + {Repr(linear_layer.weight[.., 1].item<float>())} x^2 + {Repr(linear_layer.weight[.., 2].item<float>())} x^3");
