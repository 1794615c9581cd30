// dynamic_net.py (today's version): control flow and weight sharing. DynamicPolynomial (the script's DynamicNet,
// declared below the training loop) adds e x^4 and e x^5 (the same Parameter e) a random 0 to 2 extra times per
// forward pass.
//   dotnet run tutorial/polynomial_dynamic_net.cs
// Expected output at seed 0, every 2000th step: 1999 2177.929443359375 ... 29999 8.92717170715332, then
// Result: y = 0.011259465478360653 + 0.8554851412773132 x + -0.002555426675826311 x^2 + -0.09336428344249725 x^3 + 0.00011496092338347808 x^4 ? + 0.00011496092338347808 x^5 ?
// (PyTorch running the script after random.seed(0); torch.manual_seed(0) ends at the same 8.92717.)
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
// One libtorch thread, as the workbench: more threads sum in another order (other last digits).
torch.set_num_threads(1);

var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// Create Tensors to hold input and outputs.
var x = torch.linspace(-Math.PI, Math.PI, 2000).to(device);
var y = torch.sin(x);

// Construct our model by instantiating the class defined below
var model = new DynamicPolynomial(random).to(device);

// Construct our loss function and an Optimizer. Training this strange model with
// vanilla stochastic gradient descent is tough, so we use momentum
var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
var optimizer = torch.optim.SGD(model.parameters(), learningRate: 1e-8, momentum: 0.9);
for (int t = 0; t < 30000; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: Compute predicted y by passing x to the model
    var y_pred = model.forward(x);

    // Compute and print loss
    var loss = criterion.forward(y_pred, y);
    if (t % 2000 == 1999)
    {
        Console.WriteLine($"{t} {Repr(loss.item<float>())}");
    }

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
}

Console.WriteLine($"Result: {model.@string()}");

// C# declares classes after the top-level statements; the script declares its class before its first statement. It
// calls it DynamicNet, as the two-layer dynamic_net.py does; DynamicPolynomial tells the two apart (and is the
// workbench's name for it).
class DynamicPolynomial : nn.Module<Tensor, Tensor>
{
    private readonly Parameter a;
    private readonly Parameter b;
    private readonly Parameter c;
    private readonly Parameter d;
    private readonly Parameter e;
    private readonly PythonRandom random;

    // The script's forward calls the module-level random; C# has no module variables, so it is handed in.
    public DynamicPolynomial(PythonRandom random) : base(nameof(DynamicPolynomial))
    {
        // In the constructor we instantiate five parameters and assign them as members.
        a = new Parameter(torch.randn([]));
        b = new Parameter(torch.randn([]));
        c = new Parameter(torch.randn([]));
        d = new Parameter(torch.randn([]));
        e = new Parameter(torch.randn([]));
        this.random = random;
        RegisterComponents();   // makes a to e the module's parameters, as assigning them to self does
    }

    public override Tensor forward(Tensor x)
    {
        // For the forward pass of the model, we randomly choose either 4, 5
        // and reuse the e parameter to compute the contribution of these orders.
        //
        // Since each forward pass builds a dynamic computation graph, we can use normal
        // Python control-flow operators like loops or conditional statements when
        // defining the forward pass of the model.
        //
        // Here we also see that it is perfectly safe to reuse the same parameter many
        // times when defining a computational graph.
        var y = a + b * x + c * x.pow(2) + d * x.pow(3);
        long stop = random.RandInt(4, 6);   // for exp in range(4, random.randint(4, 6)): one draw per pass
        for (int exp = 4; exp < stop; exp++)
        {
            y = y + e * x.pow(exp);
        }

        return y;
    }

    // @string: string is a C# keyword.
    public string @string()
    {
        // Just like any class in Python, you can also define custom method on PyTorch modules
        return $"y = {Repr(a.item<float>())} + {Repr(b.item<float>())} x + {Repr(c.item<float>())} x^2 + {Repr(d.item<float>())} x^3 + {Repr(e.item<float>())} x^4 ? + {Repr(e.item<float>())} x^5 ?";
    }
}
