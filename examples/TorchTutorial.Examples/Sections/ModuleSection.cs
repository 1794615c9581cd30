// two_layer_net_module.py: a custom nn Module, TwoLayerNet (in the library: Modules/TwoLayerNet.cs), trained by SGD.
// https://github.com/pytorch/tutorials/blob/8b59e4ba1635d41aa3674f2c45e5d52487d5468e/beginner_source/examples_nn/two_layer_net_module.py
// Expected output (seed 0; `-- module --format tutorial`): 0 628.283935546875 ... 499 1.4574361557606608e-05
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_module.py: <see cref="TwoLayerNet"/>, a Module subclass, trained by <c>torch.optim.SGD</c>.</summary>
public static class ModuleSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random Tensors to hold inputs and outputs
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Construct our model by instantiating the class defined above
        using var model = new TwoLayerNet(D_in, H, D_out, device, dtype);

        // Construct our loss function and an Optimizer. The call to model.parameters()
        // in the SGD constructor will contain the learnable parameters of the two
        // nn.Linear modules which are members of the model.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate);
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
