// two_layer_net_custom_function.py: ReLU as a custom autograd Function, MyReLU (in the library: Functions/MyReLU.cs).
// https://github.com/pytorch/tutorials/blob/8bcd0ac63dff35599649fc78711b6c155717823f/beginner_source/examples_autograd/two_layer_net_custom_function.py
// Expected output (seed 0; `-- custom-function --format tutorial`): 0 29428664.0 ... 499 3.0050463465158828e-05
using TorchTutorial.Functions;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>two_layer_net_custom_function.py: the autograd network with ReLU replaced by <see cref="MyReLU"/>.</summary>
public static class CustomFunctionSection
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
        var x = randn(N, D_in, device: device, dtype: dtype);
        var y = randn(N, D_out, device: device, dtype: dtype);

        // Create random Tensors for weights.
        var w1 = randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
        var w2 = randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

        var learning_rate = context.LearningRate;
        var result = context.Train(t =>
        {
            // To apply our Function, we use Function.apply method. We alias this as 'relu'.
            Func<Tensor, Tensor> relu = input => MyReLU.apply(input);

            // Forward pass: compute predicted y using operations; we compute
            // ReLU using our custom autograd operation.
            var y_pred = relu(x.mm(w1)).mm(w2);

            // Compute and print loss
            var loss = (y_pred - y).pow(2).sum();

            // Use autograd to compute the backward pass.
            loss.backward();

            // Update weights using gradient descent
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
