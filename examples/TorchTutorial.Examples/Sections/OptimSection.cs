using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using TorchTutorial.Optimizers;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_optim.py: the nn model trained by <c>torch.optim.Adam</c>.</summary>
public sealed class OptimSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "optim";

    /// <inheritdoc />
    public string Script => "two_layer_net_optim.py";

    /// <inheritdoc />
    public string Title => "optim: the same model trained by Adam";

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

        using var model = TwoLayerSequential.Create(D_in, H, D_out, device, context.DType);
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        // Use the optim package to define an Optimizer that will update the weights of the model for us.
        var learning_rate = context.LearningRate;
        using var optimizer = context.FusedOptimizer ? new FusedAdam(model.parameters(), lr: learning_rate) : optim.Adam(model.parameters(), lr: learning_rate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            var y_pred = model.forward(x);
            var loss = loss_fn.forward(y_pred, y);

            // Zero the gradients of the variables the optimizer will update (gradients accumulate by default).
            optimizer.zero_grad();

            loss.backward();

            // Calling step makes an update to the model's parameters.
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model
        return SectionResult.Of(Name, result);
    }
}
