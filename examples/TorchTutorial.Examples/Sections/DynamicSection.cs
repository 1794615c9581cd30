using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// dynamic_net.py: <see cref="DynamicNet"/> reuses its middle layer a random 0 to 3 times per forward pass
/// (control flow and weight sharing); trained by SGD with momentum 0.9. The depth draws come from
/// <c>System.Random(seed)</c>, where Python uses its <c>random</c> module.
/// </summary>
public sealed class DynamicSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "dynamic";

    /// <inheritdoc />
    public string Script => "dynamic_net.py";

    /// <inheritdoc />
    public string Title => "Control flow and weight sharing: DynamicNet, SGD with momentum";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-4;

    /// <inheritdoc />
    public bool SupportsCheckpoints => true;

    /// <inheritdoc />
    public bool Trains => true;

    /// <inheritdoc />
    public int DefaultSteps => 500;

    /// <inheritdoc />
    public int DefaultLogEvery => 1;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => sizes.ToString();

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        var device = context.Device;
        var (N, D_in, H, D_out) = context.Sizes;

        using var data = RandomRegressionData.Create(context.Sizes, device, context.DType);
        var (x, y) = (data.X, data.Y);

        // Construct our model by instantiating the class defined in the library
        using var model = new DynamicNet(D_in, H, D_out, new TorchTutorial.Python.PythonRandom(context.Seed), device, context.DType);

        // Training this strange model with vanilla SGD is hard, so we use momentum.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate, momentum: 0.9);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);

            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model
        return SectionResult.Of(Name, result);
    }
}
