using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// two_layer_net_nn.py: <c>nn.Sequential(Linear, ReLU, Linear)</c>, <c>MSELoss(reduction='sum')</c>,
/// <c>model.zero_grad()</c> and a hand-written gradient-descent update over <c>model.parameters()</c>.
/// </summary>
public sealed class NnSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "nn";

    /// <inheritdoc />
    public string Script => "two_layer_net_nn.py";

    /// <inheritdoc />
    public string Title => "nn: Sequential model, MSELoss, manual parameter update";

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

        // Create random Tensors to hold inputs and outputs
        using var data = RandomRegressionData.Create(context.Sizes, device, context.DType);
        var (x, y) = (data.X, data.Y);

        // Use the nn package to define our model as a sequence of layers.
        using var model = TwoLayerSequential.Create(D_in, H, D_out, device, context.DType);

        // Mean Squared Error, summed, as the loss function.
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        var learning_rate = context.LearningRate;
        context.LoadCheckpoint(model);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing x to the model.
            var y_pred = model.forward(x);

            var loss = loss_fn.forward(y_pred, y);

            // Zero the gradients before running the backward pass.
            model.zero_grad();

            // Backward pass: gradients of the loss with respect to all the learnable parameters.
            loss.backward();

            // Update the weights using gradient descent.
            using (no_grad())
            {
                foreach (var param in model.parameters())
                {
                    param.sub_(learning_rate * param.grad!);   // param -= learning_rate * param.grad
                }
            }

            return loss;
        });
        context.SaveCheckpoint(model);   // --save FILE: keep the trained model
        return SectionResult.Of(Name, result);
    }
}
