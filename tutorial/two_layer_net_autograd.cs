// two_layer_net_autograd.py, the seed note's first script: autograd computes the backward pass.
//   dotnet run tutorial/two_layer_net_autograd.cs
// Expected output at seed 0, one "t loss" line per step: 0 29428664.0 ... 499 3.0050463465158828e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchTutorial.Output.PythonFloat;

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
// Setting requires_grad=False indicates that we do not need to compute gradients
// with respect to these Tensors during the backward pass.
var x = torch.randn(N, D_in, device: device, dtype: dtype);
var y = torch.randn(N, D_out, device: device, dtype: dtype);

// Create random Tensors for weights.
// Setting requires_grad=True indicates that we want to compute gradients with
// respect to these Tensors during the backward pass.
var w1 = torch.randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
var w2 = torch.randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

var learning_rate = 1e-6;
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y using operations on Tensors; these are exactly
    // the same operations we used to compute the forward pass using Tensors, but we do
    // not need to keep references to intermediate values since we are not
    // implementing the backward pass by hand.
    var y_pred = x.mm(w1).clamp(min: 0).mm(w2);

    // Compute and print loss using operations on Tensors.
    // Now loss is a Tensor of shape (1,)
    // loss.item() gets the scalar value held in the loss.
    var loss = (y_pred - y).pow(2).sum();
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

    // Use autograd to compute the backward pass. This call will compute the
    // gradient of loss with respect to all Tensors with requires_grad=True.
    // After this call w1.grad and w2.grad will be Tensors holding the gradient
    // of the loss with respect to w1 and w2 respectively.
    loss.backward();

    // Manually update weights using gradient descent. Wrap in torch.no_grad()
    // because weights have requires_grad=True, but we don't need to track this
    // in autograd.
    using (torch.no_grad())
    {
        w1.sub_(learning_rate * w1.grad!);   // w1 -= learning_rate * w1.grad
        w2.sub_(learning_rate * w2.grad!);

        // Manually zero the gradients after updating weights
        w1.grad!.zero_();
        w2.grad!.zero_();
    }
}
