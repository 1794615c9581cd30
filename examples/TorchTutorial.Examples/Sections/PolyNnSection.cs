// polynomial_nn.py: the polynomial as a linear layer over (x, x^2, x^3): nn.Sequential(Linear(3, 1), Flatten(0, 1)),
// MSELoss(reduction='sum'), model.zero_grad() and a hand-written update over model.parameters().
// https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_nn/polynomial_nn.py
// Expected output (seed 0; `-- poly-nn --format tutorial`): 99 582.650390625 ... 1999 9.177204132080078, then
// Result: y = -0.01462855190038681 + 0.8441022634506226 x + 0.0025236692745238543 x^2 + -0.09153266251087189 x^3
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

namespace TorchTutorial.Examples.Sections;

/// <summary>polynomial_nn.py: <c>nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))</c> and the update written by hand.</summary>
public static class PolyNnSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda

        // Create Tensors to hold input and outputs.
        var x = linspace(-Math.PI, Math.PI, 2000, device: device, dtype: dtype);
        var y = sin(x);

        // For this example, the output y is a linear function of (x, x^2, x^3), so
        // we can consider it as a linear layer neural network. Let's prepare the
        // tensor (x, x^2, x^3).
        var p = tensor(new long[] { 1, 2, 3 }, device: device);
        var xx = x.unsqueeze(-1).pow(p);

        // In the above code, x.unsqueeze(-1) has shape (2000, 1), and p has shape
        // (3,), for this case, broadcasting semantics will apply to obtain a tensor
        // of shape (2000, 3)

        // Use the nn package to define our model as a sequence of layers. nn.Sequential
        // is a Module which contains other Modules, and applies them in sequence to
        // produce its output. The Linear Module computes output from input using a
        // linear function, and holds internal Tensors for its weight and bias.
        // The Flatten layer flatens the output of the linear layer to a 1D tensor,
        // to match the shape of `y`.
        using var model = nn.Sequential(
            nn.Linear(3, 1, device: device, dtype: dtype),
            nn.Flatten(0, 1));

        // The nn package also contains definitions of popular loss functions; in this
        // case we will use Mean Squared Error (MSE) as our loss function.
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        context.LoadCheckpoint(model);   // --load FILE: start from a checkpoint
        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing x to the model. Module objects
            // are called like functions: you pass a Tensor of input data to the Module
            // and it produces a Tensor of output data.
            var y_pred = model.forward(xx);

            // Compute and print loss. We pass Tensors containing the predicted and true
            // values of y, and the loss function returns a Tensor containing the
            // loss (printed when t % 100 == 99).
            var loss = loss_fn.forward(y_pred, y);

            // Zero the gradients before running the backward pass.
            model.zero_grad();

            // Backward pass: compute gradient of the loss with respect to all the learnable
            // parameters of the model. Internally, the parameters of each Module are stored
            // in Tensors with requires_grad=True, so this call will compute gradients for
            // all learnable parameters in the model.
            loss.backward();

            // Update the weights using gradient descent. Each parameter is a Tensor, so
            // we can access its gradients like we did before.
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
        return SectionResult.Of(result, $"Result: y = {Repr(linear_layer.bias!)} + {Repr(linear_layer.weight![.., 0])} x + " +
            $"{Repr(linear_layer.weight[.., 1])} x^2 + {Repr(linear_layer.weight[.., 2])} x^3");
    }
}
