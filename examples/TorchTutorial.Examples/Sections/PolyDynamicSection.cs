// dynamic_net.py (today's version): control flow and weight sharing. DynamicPolynomial (in the library:
// Modules/DynamicPolynomial.cs) adds e x^4 and e x^5 (the same Parameter e) a random 0 to 2 extra times per forward pass;
// SGD with momentum trains it for 30000 steps at lr 1e-8, printing every 2000th.
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_nn/dynamic_net.py
// Expected output (seed 0; `-- poly-dynamic --format tutorial`): 1999 2177.929443359375 ... 29999 8.92717170715332, then the
// script's Result: line; PyTorch, seeded with random.seed(0); torch.manual_seed(0), prints the same 8.92717 (the
// least-squares cubic's floor is 8.82).
using TorchTutorial.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>dynamic_net.py (current): <see cref="DynamicPolynomial"/>, a graph that changes every step, SGD with momentum.</summary>
public static class PolyDynamicSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // import random: CPython's random module, seeded with the run's seed, as a script that begins with
        // random.seed(N); torch.manual_seed(N). The model draws its depth from it on every forward pass.
        var random = new PythonRandom(context.Settings.Seed);

        // Create Tensors to hold input and outputs.
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // Construct our model by instantiating the class defined above
        using var model = new DynamicPolynomial(random, device, dtype);

        // Construct our loss function and an Optimizer. Training this strange model with
        // vanilla stochastic gradient descent is tough, so we use momentum
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate, momentum: 0.9);
        var result = context.Train(t =>
        {
            // Forward pass: Compute predicted y by passing x to the model
            var y_pred = model.forward(x);

            // Compute and print loss (printed when t % 2000 == 1999)
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });

        return SectionResult.Of(result, $"Result: {model.Formula(Repr)}");
    }
}
