// dynamic_net.py (the two-layer version): control flow and weight sharing. DynamicNet (in the library:
// Modules/DynamicNet.cs) reuses its middle layer a random 0 to 3 times per forward pass; SGD with momentum trains it.
// pytorch/tutorials beginner_source/examples_nn/dynamic_net.py before the 2020 rewrite (today's is poly-dynamic).
// Expected output (seed 0; `-- dynamic --format tutorial`): 0 620.6343994140625 ... 499 1.4014954566955566 (the depths are
// CPython's random.randint draws, so PyTorch running the script after random.seed(0) draws the same ones)
using TorchTutorial.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>dynamic_net.py: <see cref="DynamicNet"/>, a graph that changes every step, trained by SGD with momentum.</summary>
public static class DynamicSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // import random: CPython's random module, seeded with the run's seed, as a script that begins with
        // random.seed(N); torch.manual_seed(N). The model draws its depth from it on every forward pass.
        var random = new PythonRandom(context.Settings.Seed);

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random Tensors to hold inputs and outputs
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Construct our model by instantiating the class defined above
        using var model = new DynamicNet(D_in, H, D_out, random, device, dtype);

        // Construct our loss function and an Optimizer. Training this strange model with
        // vanilla stochastic gradient descent is tough, so we use momentum
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate, momentum: 0.9);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: Compute predicted y by passing x to the model
            var y_pred = model.forward(x);

            // Compute and print loss
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model
        return SectionResult.Of(result);
    }
}
