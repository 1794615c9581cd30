// polynomial_optim.py: the Linear(3, 1) polynomial trained by an optimizer from torch.optim. The tutorial's prose says
// SGD; its code uses RMSprop, and so does this port.
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_nn/polynomial_optim.py
// Expected output (seed 0; `-- poly-optim --format tutorial`): 99 24804.931640625 ... 1999 8.878396987915039, then
// Result: y = 0.0006644774693995714 + 0.857060432434082 x + 0.0006647766567766666 x^2 + -0.09300390630960464 x^3
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_optim.py: <c>torch.optim.RMSprop(model.parameters(), lr)</c> updates the weights.</summary>
public static class PolyOptimSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // Create Tensors to hold input and outputs.
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // Prepare the input tensor (x, x^2, x^3).
        var p = tensor(new long[] { 1, 2, 3 }, device: device);
        var xx = x.unsqueeze(-1).pow(p);

        // Use the nn package to define our model and loss function.
        using var model = nn.Sequential(
            nn.Linear(3, 1, device: device, dtype: dtype),
            nn.Flatten(0, 1));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        // Use the optim package to define an Optimizer that will update the weights of
        // the model for us. Here we will use RMSprop; the optim package contains many other
        // optimization algorithms. The first argument to the RMSprop constructor tells the
        // optimizer which Tensors it should update.
        var learning_rate = context.LearningRate;
        using var optimizer = optim.RMSProp(model.parameters(), lr: learning_rate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing x to the model.
            var y_pred = model.forward(xx);

            // Compute and print loss (printed when t % 100 == 99).
            var loss = loss_fn.forward(y_pred, y);

            // Before the backward pass, use the optimizer object to zero all of the
            // gradients for the variables it will update (which are the learnable
            // weights of the model). This is because by default, gradients are
            // accumulated in buffers( i.e, not overwritten) whenever .backward()
            // is called. Checkout docs of torch.autograd.backward for more details.
            optimizer.zero_grad();

            // Backward pass: compute gradient of the loss with respect to model
            // parameters
            loss.backward();

            // Calling the step function on an Optimizer makes an update to its
            // parameters
            optimizer.step();
            return loss;
        });
        context.SaveCheckpoint(model, optimizer);   // --save FILE: keep the trained model

        var linear_layer = (Linear)model[0];
        return SectionResult.Of(result, $"Result: y = {Repr(linear_layer.bias!)} + {Repr(linear_layer.weight![.., 0])} x + " +
            $"{Repr(linear_layer.weight[.., 1])} x^2 + {Repr(linear_layer.weight[.., 2])} x^3");
    }
}
