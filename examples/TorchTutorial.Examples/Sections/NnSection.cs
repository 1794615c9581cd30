// two_layer_net_nn.py: the nn package: nn.Sequential(Linear, ReLU, Linear), MSELoss(reduction='sum'), model.zero_grad()
// and a hand-written gradient-descent update over model.parameters().
// https://github.com/pytorch/tutorials/blob/12645e91811595c58a0de1308639aef9870a2be5/beginner_source/examples_nn/two_layer_net_nn.py
// Expected output (seed 0; `-- nn --format tutorial`): 0 628.283935546875 ... 499 1.4573430235031992e-05
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_nn.py: <c>nn.Sequential</c>, <c>nn.MSELoss</c>, and the update written by hand.</summary>
public static class NnSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random Tensors to hold inputs and outputs
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Use the nn package to define our model as a sequence of layers. nn.Sequential
        // is a Module which contains other Modules, and applies them in sequence to
        // produce its output. Each Linear Module computes output from input using a
        // linear function, and holds internal Tensors for its weight and bias.
        using var model = nn.Sequential(
            nn.Linear(D_in, H, device: device, dtype: dtype),
            nn.ReLU(),
            nn.Linear(H, D_out, device: device, dtype: dtype));

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
            var y_pred = model.forward(x);

            // Compute and print loss. We pass Tensors containing the predicted and true
            // values of y, and the loss function returns a Tensor containing the loss.
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
        return SectionResult.Of(result);
    }
}
