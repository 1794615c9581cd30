// two_layer_net_autograd.py, the note's first script: autograd computes the backward pass.
// https://github.com/pytorch/tutorials/blob/9ecc44a60f16b38aa68e5bfd85f9c809254b09eb/beginner_source/examples_autograd/two_layer_net_autograd.py
// Expected output (seed 0; `-- autograd --format tutorial`): 0 29428664.0 ... 499 3.0050463465158828e-05
// (the same losses as the tensors section: autograd computes the gradients written there by hand).
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_autograd.py: <c>loss.backward()</c>, the update under <c>no_grad()</c>, <c>grad.zero_()</c>.</summary>
public static class AutogradSection
{
    /// <summary>Runs the script.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var device = context.Device;   // device = torch.device("cpu"), or "cuda:0" with --device cuda
        var dtype = context.DType;     // dtype = torch.float unless --dtype float64

        // N is batch size; D_in is input dimension;
        // H is hidden dimension; D_out is output dimension.
        var (N, D_in, H, D_out) = context.Sizes;

        // Create random Tensors to hold input and outputs.
        // Setting requires_grad=False indicates that we do not need to compute gradients
        // with respect to these Tensors during the backward pass.
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Create random Tensors for weights.
        // Setting requires_grad=True indicates that we want to compute gradients with
        // respect to these Tensors during the backward pass.
        var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // Forward pass: compute predicted y using operations on Tensors; these
            // are exactly the same operations we used to compute the forward pass using
            // Tensors, but we do not need to keep references to intermediate values since
            // we are not implementing the backward pass by hand.
            var y_pred = x.mm(w1).clamp(min: 0).mm(w2);

            // Compute and print loss using operations on Tensors.
            // Now loss is a Tensor of shape (1,); loss.item() (printed by the training loop) gets its value.
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass. This call will compute the
            // gradient of loss with respect to all Tensors with requires_grad=True.
            // After this call w1.grad and w2.grad will be Tensors holding the gradient
            // of the loss with respect to w1 and w2 respectively.
            loss.backward();

            // Manually update weights using gradient descent. Wrap in no_grad()
            // because weights have requires_grad=True, but we don't need to track this
            // in autograd.
            using (no_grad())
            {
                w1.sub_(learning_rate * w1.grad!);   // w1 -= learning_rate * w1.grad
                w2.sub_(learning_rate * w2.grad!);

                // Manually zero the gradients after updating weights
                w1.grad!.zero_();
                w2.grad!.zero_();
            }

            return loss;
        });
        return SectionResult.Of(result);
    }
}
