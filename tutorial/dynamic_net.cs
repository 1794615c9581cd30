// dynamic_net.py (the two-layer version, the note's): control flow and weight sharing. DynamicNet (declared below the
// training loop) reuses its middle layer a random 0 to 3 times per forward pass; SGD with momentum trains it.
//   dotnet run tutorial/dynamic_net.cs
// Expected output at seed 0, one "t loss" line per step: 0 620.6343994140625 ... 499 1.4014954566955566
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: PythonRandom (CPython's random) and Repr (its float format).

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

// Construct our model by instantiating the class defined below
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

// C# declares classes after the top-level statements; the script declares DynamicNet before its first statement.
class DynamicNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear input_linear;
    private readonly Linear middle_linear;
    private readonly Linear output_linear;
    private readonly PythonRandom random;

    // The script's forward calls the module-level random; C# has no module variables, so it is handed in.
    public DynamicNet(int D_in, int H, int D_out, PythonRandom random) : base(nameof(DynamicNet))
    {
        // In the constructor we construct three nn.Linear instances that we will use
        // in the forward pass.
        input_linear = nn.Linear(D_in, H);
        middle_linear = nn.Linear(H, H);
        output_linear = nn.Linear(H, D_out);
        this.random = random;
        RegisterComponents();   // makes the three layers the module's children, as assigning them to self does
    }

    public override Tensor forward(Tensor x)
    {
        // For the forward pass of the model, we randomly choose either 0, 1, 2, or 3
        // and reuse the middle_linear Module that many times to compute hidden layer
        // representations.
        //
        // Since each forward pass builds a dynamic computation graph, we can use normal
        // Python control-flow operators like loops or conditional statements when
        // defining the forward pass of the model.
        //
        // Here we also see that it is perfectly safe to reuse the same Module many
        // times when defining a computational graph. This is a big improvement from Lua
        // Torch, where each Module could be used only once.
        var h_relu = input_linear.forward(x).clamp(min: 0);
        for (long i = random.RandInt(0, 3); i > 0; i--)   // for _ in range(random.randint(0, 3)):
        {
            h_relu = middle_linear.forward(h_relu).clamp(min: 0);
        }

        var y_pred = output_linear.forward(h_relu);
        return y_pred;
    }
}
