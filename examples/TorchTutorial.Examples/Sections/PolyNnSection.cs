using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Examples.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_nn.py: the polynomial as a linear layer over (x, x², x³): <c>nn.Sequential(Linear(3, 1), Flatten(0, 1))</c>,
/// <c>MSELoss(reduction='sum')</c>, <c>model.zero_grad()</c> and a hand-written update over <c>model.parameters()</c>.
/// </summary>
public sealed class PolyNnSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-nn";

    /// <inheritdoc />
    public string Script => "polynomial_nn.py";

    /// <inheritdoc />
    public string Title => "nn: y = sin(x) by Linear(3, 1) over (x, x^2, x^3), manual parameter update";

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
        // Every tensor made here outside the training steps (xx and its intermediates, the result line's slices) is
        // released when the section returns.
        using var scope = NewDisposeScope();

        // Create Tensors to hold input and outputs.
        using var data = SineData.Create(context.Device, context.DType);
        var (x, y) = (data.X, data.Y);

        // The output y is a linear function of (x, x^2, x^3), so we can consider it as a linear layer
        // neural network. Prepare the tensor (x, x^2, x^3): x.unsqueeze(-1) has shape (2000, 1) and p has
        // shape (3,), so broadcasting gives xx the shape (2000, 3).
        var p = tensor(new long[] { 1, 2, 3 }, device: context.Device);
        var xx = x.unsqueeze(-1).pow(p);

        // Use the nn package to define our model as a sequence of layers: Linear(3, 1), then Flatten(0, 1)
        // to turn its (2000, 1) output into the shape of y.
        using var model = PolynomialSequential.Create(context.Device, context.DType);

        // Mean Squared Error, summed, as the loss function.
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        var learning_rate = context.LearningRate;
        context.LoadCheckpoint(model);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing xx to the model.
            var y_pred = model.forward(xx);

            // Compute the loss; the loop prints loss.item() when t % 100 == 99.
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

        // You can access the first layer of `model` like accessing the first item of a list
        var linear_layer = (Linear)model[0];

        // For linear layer, its parameters are stored as `weight` and `bias`.
        var (bias, weight) = (linear_layer.bias!, linear_layer.weight!);
        return SectionResult.Of(Name, result,
            $"Result: y = {Repr(bias)} + {Repr(weight[.., 0])} x + {Repr(weight[.., 1])} x^2 + {Repr(weight[.., 2])} x^3");
    }
}
