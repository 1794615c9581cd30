// two_layer_net_optim.py: the nn model trained by an optimizer from torch.optim, Adam.
// https://github.com/pytorch/tutorials/blob/90c7ea99392b3e70032f55dc8ae549dbec59d227/beginner_source/examples_nn/two_layer_net_optim.py
// Expected output (seed 0; `-- optim --format tutorial`): 0 628.283935546875 ... 499 6.651184776274022e-07
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_optim.py: <c>torch.optim.Adam(model.parameters(), lr)</c> updates the weights.</summary>
public static class OptimSection
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

        // Use the nn package to define our model and loss function.
        using var model = nn.Sequential(
            nn.Linear(D_in, H, device: device, dtype: dtype),
            nn.ReLU(),
            nn.Linear(H, D_out, device: device, dtype: dtype));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);

        // Use the optim package to define an Optimizer that will update the weights of
        // the model for us. Here we will use Adam; the optim package contains many other
        // optimization algorithms. The first argument to the Adam constructor tells the
        // optimizer which Tensors it should update.
        // (--fused: PyTorch's Adam(fused=True) switch: libtorch's one-pass kernel, faster; it agrees with optim.Adam to round-off, not bit for bit.)
        var learning_rate = context.LearningRate;
        using var optimizer = context.Settings.FusedAdam
            ? TorchTutorial.Optimizers.Optim.Adam(model.parameters(), lr: learning_rate, fused: true)
            : optim.Adam(model.parameters(), lr: learning_rate);
        context.LoadCheckpoint(model, optimizer);   // --load FILE: start from a checkpoint
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y by passing x to the model.
            var y_pred = model.forward(x);

            // Compute and print loss.
            var loss = loss_fn.forward(y_pred, y);

            // Before the backward pass, use the optimizer object to zero all of the
            // gradients for the variables it will update (which are the learnable
            // weights of the model). This is because by default, gradients are
            // accumulated in buffers (i.e, not overwritten) whenever .backward()
            // is called.
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
        return SectionResult.Of(result);
    }
}
