// two_layer_net_module.py: the model as a custom Module, TwoLayerNet (in the library, src/TorchTutorial), trained by SGD.
//   dotnet run tutorial/two_layer_net_module.cs
// Expected output at seed 0, one "t loss" line per step: 0 628.283935546875 ... 499 1.4574361557606608e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// TwoLayerNet (src/TorchTutorial/Modules/TwoLayerNet.cs) is the script's class: the constructor instantiates two
// nn.Linear modules, linear1 and linear2; forward returns linear2(linear1(x).clamp(min=0)).

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

// Construct our model by instantiating the class defined in the library
var model = new TwoLayerNet(D_in, H, D_out).to(device);

// Construct our loss function and an Optimizer. The call to model.parameters()
// in the SGD constructor will contain the learnable parameters of the two
// nn.Linear modules which are members of the model.
var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
var optimizer = torch.optim.SGD(model.parameters(), learningRate: 1e-4);
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
