// polynomial_optim.py (today's tutorial): the nn model trained by torch.optim.RMSprop (the prose says SGD; the
// script's code uses RMSprop).
//   dotnet run tutorial/polynomial_optim.cs
// Expected output at seed 0, "t loss" every 100th step: 99 24804.931640625 ... 1999 8.878396987915039, then
// Result: y = 0.0006644774693995714 + 0.857060432434082 x + 0.0006647766567766666 x^2 + -0.09300390630960464 x^3
// (RMSprop amplifies float32 round-off after about step 1000, so late digits vary with the CPU).
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

// Prepare the input tensor (x, x^2, x^3).
var p = torch.tensor(new long[] { 1, 2, 3 }).to(device);
var xx = x.unsqueeze(-1).pow(p);

// Use the nn package to define our model and loss function.
var model = nn.Sequential(
    nn.Linear(3, 1),
    nn.Flatten(0, 1)
).to(device);
var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

// Use the optim package to define an Optimizer that will update the weights of
// the model for us. Here we will use RMSprop; the optim package contains many other
// optimization algorithms. The first argument to the RMSprop constructor tells the
// optimizer which Tensors it should update.
var learning_rate = 1e-3;
var optimizer = torch.optim.RMSProp(model.parameters(), lr: learning_rate);
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y by passing x to the model.
    var y_pred = model.forward(xx);

    // Compute and print loss.
    var loss = loss_fn.forward(y_pred, y);
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
    }

    // Before the backward pass, use the optimizer object to zero all of the
    // gradients for the variables it will update (which are the learnable
    // weights of the model). This is because by default, gradients are
    // accumulated in buffers( i.e, not overwritten) whenever .backward()
    // is called. Checkout docs of torch.autograd.backward for more details.
    optimizer.zero_grad();

    // Backward pass: compute gradient of the loss with respect to model
    // parameters
    loss.backward();

    // Calling the step function on an Optimizer makes an update to its
    // parameters
    optimizer.step();
}

var linear_layer = (Linear)model[0];
Console.WriteLine($"Result: y = {Repr(linear_layer.bias!.item<float>())} + {Repr(linear_layer.weight![.., 0].item<float>())} x + {Repr(linear_layer.weight[.., 1].item<float>())} x^2 + {Repr(linear_layer.weight[.., 2].item<float>())} x^3");
