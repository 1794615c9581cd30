using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Functions;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// two_layer_net_custom_function.py: the same network with ReLU replaced by <see cref="MyReLU"/>, a custom
/// autograd Function with its own forward and backward.
/// </summary>
public sealed class CustomFunctionSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "custom-function";

    /// <inheritdoc />
    public string Script => "two_layer_net_custom_function.py";

    /// <inheritdoc />
    public string Title => "Custom autograd Function: MyReLU with a hand-written backward";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-6;

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
        var dtype = context.DType;   // torch.float unless --dtype float64
        var (N, D_in, H, D_out) = context.Sizes;

        using var data = RandomRegressionData.Create(context.Sizes, device, dtype);
        var (x, y) = (data.X, data.Y);

        using var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        using var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // To apply our Function, we use Function.apply: relu = MyReLU.apply
            var y_pred = MyReLU.apply(x.mm(w1)).mm(w2);

            var loss = (y_pred - y).pow(2).sum();
            loss.backward();

            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);
                w2.sub_(learning_rate * w2.grad!);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            return loss;
        });
        return SectionResult.Of(Name, result);
    }
}
