using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_module.py: a custom <see cref="TwoLayerNet"/> Module trained by <c>torch.optim.SGD</c>.</summary>
public sealed class ModuleSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "module";

    /// <inheritdoc />
    public string Script => "two_layer_net_module.py";

    /// <inheritdoc />
    public string Title => "Custom nn Module: TwoLayerNet trained by SGD";

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
        using var model = new TwoLayerNet(D_in, H, D_out, device, context.DType);

        // The SGD constructor takes the learnable parameters of the two nn.Linear members of the model.
        using var criterion = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = optim.SGD(model.parameters(), context.LearningRate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            var y_pred = model.forward(x);
            var loss = criterion.forward(y_pred, y);

            // Zero gradients, perform a backward pass, and update the weights.
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model
        return SectionResult.Of(Name, result);
    }
}
