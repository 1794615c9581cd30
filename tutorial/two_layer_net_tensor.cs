// two_layer_net_tensor.py: a two-layer network on raw tensors, forward and backward passes written by hand.
//   dotnet run tutorial/two_layer_net_tensor.cs
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

// Create random input and output data
var x = torch.randn(N, D_in, device: device, dtype: dtype);
var y = torch.randn(N, D_out, device: device, dtype: dtype);

// Randomly initialize weights
var w1 = torch.randn(D_in, H, device: device, dtype: dtype);
var w2 = torch.randn(H, D_out, device: device, dtype: dtype);

var learning_rate = 1e-6;
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Forward pass: compute predicted y
    var h = x.mm(w1);
    var h_relu = h.clamp(min: 0);
    var y_pred = h_relu.mm(w2);

    // Compute and print loss
    var loss = (y_pred - y).pow(2).sum();
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

    // Backprop to compute gradients of w1 and w2 with respect to loss
    var grad_y_pred = 2.0 * (y_pred - y);
    var grad_w2 = h_relu.t().mm(grad_y_pred);
    var grad_h_relu = grad_y_pred.mm(w2.t());
    var grad_h = grad_h_relu.clone();
    grad_h.masked_fill_(h < 0, 0);   // grad_h[h < 0] = 0
    var grad_w1 = x.t().mm(grad_h);

    // Update weights using gradient descent
    w1.sub_(learning_rate * grad_w1);   // w1 -= learning_rate * grad_w1
    w2.sub_(learning_rate * grad_w2);
}
