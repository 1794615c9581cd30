// two_layer_net_tensor.py: a two-layer network on raw tensors, the forward and backward passes written by hand.
// https://github.com/pytorch/tutorials/blob/e09ddfcdfced88f11c01edbe424abe052eb109e6/beginner_source/examples_tensor/two_layer_net_tensor.py
// Expected output (seed 0; `-- tensors --format tutorial`): 0 29428664.0 ... 499 3.0050463465158828e-05
// (the last digits of the final losses vary with the CPU's matrix kernels; PyTorch 1.13 prints 0 29428662.0).
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_tensor.py: a two-layer network on raw tensors, gradients written by hand.</summary>
public static class TensorsSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random input and output data
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Randomly initialize weights
        var w1 = randn(D_in, H, device: device, dtype: dtype);
        var w2 = randn(H, D_out, device: device, dtype: dtype);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y
            var h = x.mm(w1);
            var h_relu = h.clamp(min: 0);
            var y_pred = h_relu.mm(w2);

            // Compute and print loss (the training loop prints loss.item())
            var loss = (y_pred - y).pow(2).sum();

            // Backprop to compute gradients of w1 and w2 with respect to loss
            var grad_y_pred = 2.0 * (y_pred - y);
            var grad_w2 = h_relu.t().mm(grad_y_pred);
            var grad_h_relu = grad_y_pred.mm(w2.t());
            var grad_h = grad_h_relu.clone();
            grad_h[h < 0] = 0;
            var grad_w1 = x.t().mm(grad_h);

            // Update weights using gradient descent
            w1.sub_(learning_rate * grad_w1);   // w1 -= learning_rate * grad_w1
            w2.sub_(learning_rate * grad_w2);
            return loss;
        });
        return SectionResult.Of(result);
    }
}
