// two_layer_net_module.py: the model as a custom Module, TwoLayerNet (declared below the training loop), trained by SGD.
//   dotnet run tutorial/two_layer_net_module.cs
// Expected output at seed 0, one "t loss" line per step: 0 628.283935546875 ... 499 1.4574361557606608e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: Repr, Python's float format for print(t, loss.item()).

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

// Construct our model by instantiating the class defined below
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

// C# declares classes after the top-level statements; the script declares TwoLayerNet before its first statement.
class TwoLayerNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear1;
    private readonly Linear linear2;

    public TwoLayerNet(int D_in, int H, int D_out) : base(nameof(TwoLayerNet))
    {
        // In the constructor we instantiate two nn.Linear modules and assign them as
        // member variables.
        linear1 = nn.Linear(D_in, H);
        linear2 = nn.Linear(H, D_out);
        RegisterComponents();   // makes linear1 and linear2 the module's children, as assigning them to self does
    }

    public override Tensor forward(Tensor x)
    {
        // In the forward function we accept a Tensor of input data and we must return
        // a Tensor of output data.
        var h_relu = linear1.forward(x).clamp(min: 0);
        var y_pred = linear2.forward(h_relu);
        return y_pred;
    }
}
