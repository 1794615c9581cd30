using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Output;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// dynamic_net.py of the current tutorial: <see cref="DynamicPolynomial"/> adds <c>e x^4</c> and <c>e x^5</c> (the same
/// Parameter e) a random 0 to 2 extra times per forward pass (control flow and weight sharing); trained by SGD with
/// lr 1e-8 and momentum 0.9 for 30000 steps, printing every 2000th. The draws come from <c>System.Random(seed)</c>, where
/// Python uses its <c>random</c> module, so the losses cannot match PyTorch's step by step.
/// </summary>
public sealed class PolyDynamicSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-dynamic";

    /// <inheritdoc />
    public string Script => "dynamic_net.py (current version)";

    /// <inheritdoc />
    public string Title => "Control flow and weight sharing: a polynomial of random degree 3 to 5, SGD with momentum";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-8;

    /// <inheritdoc />
    public bool Trains => true;

    /// <inheritdoc />
    public int DefaultSteps => 30000;

    /// <inheritdoc />
    public int DefaultLogEvery => 2000;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => PolySections.Data;

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        // Create Tensors to hold input and outputs.
        using var data = SineData.Create(context.Device, context.DType);
        var (x, y) = (data.X, data.Y);

        // Construct our model by instantiating the class defined in the library
        using var model = new DynamicPolynomial(new TorchTutorial.Python.PythonRandom(context.Seed), context.Device, context.DType);

        // Training this strange model with vanilla stochastic gradient descent is tough, so we use momentum.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate, momentum: 0.9);
        var result = context.Train(t =>
        {
            // Forward pass: Compute predicted y by passing x to the model
            var y_pred = model.forward(x);

            // Compute the loss; the loop prints loss.item() when t % 2000 == 1999.
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });

        return SectionResult.Of(Name, result, $"Result: {model.Formula(PythonFloat.Repr)}");
    }
}
