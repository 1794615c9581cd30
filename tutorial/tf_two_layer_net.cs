// tf_two_layer_net.py: TensorFlow 1 builds a static graph once and runs it every step. Here the forward pass and
// loss are TorchScript, compiled once and invoked 500 times, as the workbench's static-graph section does.
//   dotnet run tutorial/tf_two_layer_net.cs
// Expected output at seed 0, one "t loss" line per step: 0 29428664.0 ... 499 3.0050463465158828e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
// The TensorFlow script prints only loss_value; this prints "t loss" like the other scripts, so the runs compare.
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// The Python script is unseeded; the seed makes runs comparable (with each other and with the workbench).
torch.manual_seed(0);
// One libtorch thread, as the workbench: more threads sum the matrix products in another order (other last digits).
torch.set_num_threads(1);

var dtype = torch.float32;
var device = torch.device("cpu");
// device = torch.device("cuda:0"); // Uncomment this to run on GPU

// First we set up the computational graph:

// N is batch size; D_in is input dimension;
// H is hidden dimension; D_out is output dimension.
var (N, D_in, H, D_out) = (64, 1000, 100, 10);

// The forward pass and the loss, as operations in a graph. Like TensorFlow's graph, this code does not compute
// anything yet; it is compiled once below and then executed every step.
const string graph_source = """
    def predict(x, w1, w2):
        return x.mm(w1).clamp(min=0).mm(w2)

    def loss_fn(x, y, w1, w2):
        y_pred = predict(x, w1, w2)
        return (y_pred - y).pow(2).sum()

    """;

// Create the input data x and the targets y.
var x = torch.randn(N, D_in, device: device, dtype: dtype);
var y = torch.randn(N, D_out, device: device, dtype: dtype);

// Create the weights and initialize them with random data; they persist across executions of the graph.
var w1 = torch.randn(D_in, H, device: device, dtype: dtype, requires_grad: true);
var w2 = torch.randn(H, D_out, device: device, dtype: dtype, requires_grad: true);

// Build the graph once.
var graph = torch.jit.compile(graph_source);

var learning_rate = 1e-6;
for (int t = 0; t < 500; t++)
{
    // Every tensor this step makes is freed when the step ends (Python frees them by reference counting).
    using var step = torch.NewDisposeScope();

    // Execute the graph: compute the loss from the current weights.
    var loss = graph.invoke<Tensor>("loss_fn", x, y, w1, w2);
    Console.WriteLine($"{t} {Repr(loss.item<float>())}");

    // Compute gradient of the loss with respect to w1 and w2.
    loss.backward();

    // Update the weights using gradient descent.
    using (torch.no_grad())
    {
        w1.sub_(learning_rate * w1.grad!);   // new_w1 = w1.assign(w1 - learning_rate * grad_w1)
        w2.sub_(learning_rate * w2.grad!);
        w1.grad!.zero_();
        w2.grad!.zero_();
    }
}
