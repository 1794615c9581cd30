// two_layer_net_custom_function.py: ReLU as a custom autograd Function, MyReLU (in the library, src/TorchTutorial).
//   dotnet run tutorial/two_layer_net_custom_function.cs
// Expected output at seed 0, one "t loss" line per step: 0 29428664.0 ... 499 3.0050463465158828e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using TorchTutorial.Functions;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// MyReLU (src/TorchTutorial/Functions/MyReLU.cs) is the script's class: forward saves its input with
// ctx.save_for_backward and returns input.clamp(min=0); backward clones grad_output and sets
// grad_input[input < 0] = 0.

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum the matrix products in another order (other last digits).
torch.set_num_threads(1);

var dtype = torch.float32;
var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// N is batch size; D_in is input dimension;
// H is hidden dimension; D_out is output dimension.
var (N, D_in, H, D_out) = (64, 1000, 100, 10);

// Create random Tensors to hold input and outputs.
var x = torch.randn(N, D_in, device: device, dtype: dtype);
var y = torch.randn(N, D_out, device: device, dtype: dtype);

// Create random Tensors for weights.
var w1 = torch.randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
var w2 = torch.randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

var learning_rate = 1e-6;
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // To apply our Function, we use Function.apply method. We alias this as 'relu'.
    Func<Tensor, Tensor> relu = input => MyReLU.apply(input);

    // Forward pass: compute predicted y using operations; we compute
    // ReLU using our custom autograd operation.
    var y_pred = relu(x.mm(w1)).mm(w2);

    // Compute and print loss
    var loss = (y_pred - y).pow(2).sum();
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

    // Use autograd to compute the backward pass.
    loss.backward();

    // Update weights using gradient descent
    using (torch.no_grad())
    {
        w1.sub_(learning_rate * w1.grad!);   // w1 -= learning_rate * w1.grad
        w2.sub_(learning_rate * w2.grad!);

        // Manually zero the gradients after updating weights
        w1.grad!.zero_();
        w2.grad!.zero_();
    }
}
