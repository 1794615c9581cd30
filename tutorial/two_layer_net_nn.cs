// two_layer_net_nn.py: the network as nn.Sequential(Linear, ReLU, Linear), MSELoss(reduction='sum'), update by hand.
//   dotnet run tutorial/two_layer_net_nn.cs
// Expected output at seed 0, one "t loss" line per step: 0 628.283935546875 ... 499 1.4573430235031992e-05
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

// Use the nn package to define our model as a sequence of layers. nn.Sequential
// is a Module which contains other Modules, and applies them in sequence to
// produce its output. Each Linear Module computes output from input using a
// linear function, and holds internal Tensors for its weight and bias.
var model = nn.Sequential(
    nn.Linear(D_in, H),
    nn.ReLU(),
    nn.Linear(H, D_out)
).to(device);

// The nn package also contains definitions of popular loss functions; in this
// case we will use Mean Squared Error (MSE) as our loss function.
var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

var learning_rate = 1e-4;
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y by passing x to the model. Module objects
    // can be called like functions (model.forward(x) here). When doing so you pass
    // a Tensor of input data to the Module and it produces a Tensor of output data.
    var y_pred = model.forward(x);

    // Compute and print loss. We pass Tensors containing the predicted and true
    // values of y, and the loss function returns a Tensor containing the
    // loss.
    var loss = loss_fn.forward(y_pred, y);
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

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
