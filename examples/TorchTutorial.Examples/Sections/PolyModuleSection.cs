using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Output;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_module.py: a custom <see cref="Polynomial3"/> Module with four scalar Parameters and its own
/// <c>string()</c> method (<see cref="Polynomial3.Formula"/>), trained by <c>torch.optim.SGD</c>.
/// </summary>
public sealed class PolyModuleSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-module";

    /// <inheritdoc />
    public string Script => "polynomial_module.py";

    /// <inheritdoc />
    public string Title => "Custom nn Module: Polynomial3 with four Parameters, trained by SGD";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-6;

    /// <inheritdoc />
    public bool SupportsCheckpoints => true;

    /// <inheritdoc />
    public bool Trains => true;

    /// <inheritdoc />
    public int DefaultSteps => 2000;

    /// <inheritdoc />
    public int DefaultLogEvery => 100;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => PolySections.Data;

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        // Create Tensors to hold input and outputs.
        using var data = SineData.Create(context.Device, context.DType);
        var (x, y) = (data.X, data.Y);

        // Construct our model by instantiating the class defined in the library
        using var model = new Polynomial3(context.Device, context.DType);

        // The SGD constructor takes the learnable parameters (the four Parameters a, b, c, d) of the model.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: Compute predicted y by passing x to the model
            var y_pred = model.forward(x);

            // Compute the loss; the loop prints loss.item() when t % 100 == 99.
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model

        return SectionResult.Of(Name, result, $"Result: {model.Formula(PythonFloat.Repr)}");
    }
}
