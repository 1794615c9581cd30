// two_layer_net_optim.py: the nn model trained by torch.optim.Adam.
//   dotnet run tutorial/two_layer_net_optim.cs
// Expected output at seed 0, one "t loss" line per step: 0 628.283935546875 ... 499 6.651184776274022e-07
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum the matrix products in another order (other last digits).
torch.set_num_threads(1);

// The Python script runs on the CPU without a device line; this one switches like the others.
var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// N is batch size; D_in is input dimension;
// H is hidden dimension; D_out is output dimension.
var (N, D_in, H, D_out) = (64, 1000, 100, 10);

// Create random Tensors to hold inputs and outputs
var x = torch.randn(N, D_in).to(device);
var y = torch.randn(N, D_out).to(device);

// Use the nn package to define our model and loss function.
var model = nn.Sequential(
    nn.Linear(D_in, H),
    nn.ReLU(),
    nn.Linear(H, D_out)
).to(device);
var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

// Use the optim package to define an Optimizer that will update the weights of
// the model for us. Here we will use Adam; the optim package contains many other
// optimization algorithms. The first argument to the Adam constructor tells the
// optimizer which Tensors it should update.
var learning_rate = 1e-4;
var optimizer = torch.optim.Adam(model.parameters(), lr: learning_rate);
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y by passing x to the model.
    var y_pred = model.forward(x);

    // Compute and print loss.
    var loss = loss_fn.forward(y_pred, y);
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

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
