// dynamic_net.py (the two-layer version, the note's): control flow and weight sharing. DynamicNet (in the library,
// src/TorchTutorial) reuses its middle layer a random 0 to 3 times per forward pass; SGD with momentum trains it.
//   dotnet run tutorial/dynamic_net.cs
// Expected output at seed 0, one "t loss" line per step: 0 620.6343994140625 ... 499 1.4014954566955566
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchTutorial.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// DynamicNet (src/TorchTutorial/Modules/DynamicNet.cs) is the script's class: input_linear, middle_linear and
// output_linear; forward applies middle_linear random.randint(0, 3) times, the same weights every time.

// The Python script is unseeded; the seeds make runs comparable (with each other, the workbench and PyTorch).
// import random: PythonRandom draws what CPython's random.randint draws after random.seed(0).
var random = new PythonRandom(0);
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

// Construct our model by instantiating the class defined in the library
var model = new DynamicNet(D_in, H, D_out, random).to(device);

// Construct our loss function and an Optimizer. Training this strange model with
// vanilla stochastic gradient descent is tough, so we use momentum
var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
var optimizer = torch.optim.SGD(model.parameters(), learningRate: 1e-4, momentum: 0.9);
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: Compute predicted y by passing x to the model
    var y_pred = model.forward(x);

    // Compute and print loss
    var loss = criterion.forward(y_pred, y);
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
}
