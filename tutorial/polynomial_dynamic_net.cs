// dynamic_net.py (today's version): control flow and weight sharing. DynamicPolynomial (in the library,
// src/TorchTutorial) adds e x^4 and e x^5 (the same Parameter e) a random 0 to 2 extra times per forward pass.
//   dotnet run tutorial/polynomial_dynamic_net.cs
// Expected output at seed 0, every 2000th step: 1999 2177.929443359375 ... 29999 8.92717170715332, then
// Result: y = 0.011259465478360653 + 0.8554851412773132 x + -0.002555426675826311 x^2 + -0.09336428344249725 x^3 + 0.00011496092338347808 x^4 ? + 0.00011496092338347808 x^5 ?
// (PyTorch running the script after random.seed(0); torch.manual_seed(0) ends at the same 8.92717.)
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchTutorial.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// DynamicPolynomial (src/TorchTutorial/Modules/DynamicPolynomial.cs) is the script's DynamicNet class: five
// Parameters a, b, c, d, e; forward computes a + b x + c x^2 + d x^3, then adds e x^exp for exp in
// range(4, random.randint(4, 6)), reusing e each time.

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

// Construct our model by instantiating the class defined in the library
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

Console.WriteLine($"Result: {model.Formula(Repr)}");
