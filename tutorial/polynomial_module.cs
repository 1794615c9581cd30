// polynomial_module.py (today's tutorial): the cubic as a custom Module, Polynomial3 (declared below the training
// loop), with four scalar Parameters, trained by SGD.
//   dotnet run tutorial/polynomial_module.cs
// Expected output at seed 0, "t loss" every 100th step: 99 3238.30029296875 ... 1999 12.286677360534668, then
// Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: Repr, Python's float format for its print lines.

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

// Construct our model by instantiating the class defined below
var model = new Polynomial3().to(device);

// Construct our loss function and an Optimizer. The call to model.parameters()
// in the SGD constructor will contain the learnable parameters (defined
// with torch.nn.Parameter) which are members of the model.
var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
var optimizer = torch.optim.SGD(model.parameters(), learningRate: 1e-6);
for (int t = 0; t < 2000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: Compute predicted y by passing x to the model
    var y_pred = model.forward(x);

    // Compute and print loss
    var loss = criterion.forward(y_pred, y);
    if (t % 100 == 99)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
    }

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
}

Console.WriteLine($"Result: {model.@string()}");

// C# declares classes after the top-level statements; the script declares Polynomial3 before its first statement.
class Polynomial3 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter a;
    private readonly Parameter b;
    private readonly Parameter c;
    private readonly Parameter d;

    public Polynomial3() : base(nameof(Polynomial3))
    {
        // In the constructor we instantiate four parameters and assign them as
        // member parameters.
        a = new Parameter(torch.randn([]));
        b = new Parameter(torch.randn([]));
        c = new Parameter(torch.randn([]));
        d = new Parameter(torch.randn([]));
        RegisterComponents();   // makes a, b, c, d the module's parameters, as assigning them to self does
    }

    public override Tensor forward(Tensor x)
    {
        // In the forward function we accept a Tensor of input data and we must return
        // a Tensor of output data. We can use Modules defined in the constructor as
        // well as arbitrary operators on Tensors.
        return a + b * x + c * x.pow(2) + d * x.pow(3);
    }

    // @string: string is a C# keyword.
    public string @string()
    {
        // Just like any class in Python, you can also define custom method on PyTorch modules
        return $"y = {Repr(a.item<float>())} + {Repr(b.item<float>())} x + {Repr(c.item<float>())} x^2 + {Repr(d.item<float>())} x^3";
    }
}
