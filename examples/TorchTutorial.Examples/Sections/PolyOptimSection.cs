using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Examples.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// polynomial_optim.py: the poly-nn model trained by <c>torch.optim.RMSprop</c> (lr 1e-3). The tutorial's prose says
/// SGD; its code, ported here, uses RMSprop.
/// </summary>
public sealed class PolyOptimSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "poly-optim";

    /// <inheritdoc />
    public string Script => "polynomial_optim.py";

    /// <inheritdoc />
    public string Title => "optim: the Linear(3, 1) polynomial trained by RMSprop";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-3;

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
        // Every tensor made here outside the training steps is released when the section returns.
        using var scope = NewDisposeScope();

        // Create Tensors to hold input and outputs.
        using var data = SineData.Create(context.Device, context.DType);
        var (x, y) = (data.X, data.Y);

        // Prepare the input tensor (x, x^2, x^3).
        var p = tensor(new long[] { 1, 2, 3 }, device: context.Device);
        var xx = x.unsqueeze(-1).pow(p);

        // Use the nn package to define our model and loss function.
        using var model = PolynomialSequential.Create(context.Device, context.DType);
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        // Use the optim package to define an Optimizer that will update the weights of the model for us.
        // Here we will use RMSprop; the first argument tells the optimizer which Tensors it should update.
        var learning_rate = context.LearningRate;
        using var optimizer = optim.RMSProp(model.parameters(), lr: learning_rate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing xx to the model.
            var y_pred = model.forward(xx);

            // Compute the loss; the loop prints loss.item() when t % 100 == 99.
            var loss = loss_fn.forward(y_pred, y);

            // Zero the gradients of the variables the optimizer will update (gradients accumulate by default).
            optimizer.zero_grad();

            // Backward pass: compute gradient of the loss with respect to model parameters
            loss.backward();

            // Calling the step function on an Optimizer makes an update to its parameters
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model

        var linear_layer = (Linear)model[0];
        var (bias, weight) = (linear_layer.bias!, linear_layer.weight!);
        return SectionResult.Of(Name, result,
            $"Result: y = {Repr(bias)} + {Repr(weight[.., 0])} x + {Repr(weight[.., 1])} x^2 + {Repr(weight[.., 2])} x^3");
    }
}
