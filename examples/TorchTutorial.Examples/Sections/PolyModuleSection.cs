// polynomial_module.py: a custom nn Module, Polynomial3 (in the library: Modules/Polynomial3.cs), with four scalar
// Parameters and a string() method, trained by SGD.
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_nn/polynomial_module.py
// Expected output (seed 0; `-- poly-module --format tutorial`): 99 3238.30029296875 ... 1999 12.286677360534668, then
// Result: y = 0.058623358607292175 + 0.8372474908828735 x + -0.010113503783941269 x^2 + -0.09055762737989426 x^3
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_module.py: <see cref="Polynomial3"/>, a Module subclass, trained by <c>torch.optim.SGD</c>.</summary>
public static class PolyModuleSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // Create Tensors to hold input and outputs.
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // Construct our model by instantiating the class defined above
        using var model = new Polynomial3(device, dtype);

        // Construct our loss function and an Optimizer. The call to model.parameters()
        // in the SGD constructor will contain the learnable parameters (defined
        // with torch.nn.Parameter) which are members of the model.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: Compute predicted y by passing x to the model
            var y_pred = model.forward(x);

            // Compute and print loss (printed when t % 100 == 99)
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model

        return SectionResult.Of(result, $"Result: {model.Formula(Repr)}");
    }
}
