// two_layer_net_custom_function.py: ReLU as a custom autograd Function, MyReLU (declared below the training loop, as
// the script declares it above).
//   dotnet run tutorial/two_layer_net_custom_function.cs
// Expected output at seed 0, one "t loss" line per step: 0 29428664.0 ... 499 3.0050463465158828e-05
// (the last digits vary with the CPU: float32 round-off differs with its vector width and grows in later steps).
#:project ../src/TorchTutorial
#:property PublishAot=false
using TorchSharp;
using static TorchSharp.torch;
using static TorchTutorial.Output.PythonFloat;

// From the library only what the script does not teach: Repr, Python's float format for print(t, loss.item()).

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

// C# declares classes after the top-level statements; the script declares MyReLU before its first statement.
class MyReLU : torch.autograd.SingleTensorFunction<MyReLU>
{
    // We can implement our own custom autograd Functions by subclassing
    // torch.autograd.Function and implementing the forward and backward passes
    // which operate on Tensors.

    public override string Name => nameof(MyReLU);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        // In the forward pass we receive a Tensor containing the input and return
        // a Tensor containing the output. ctx.save_for_backward caches objects for
        // use in the backward pass.
        var input = (Tensor)vars[0];
        ctx.save_for_backward([input]);
        return input.clamp(min: 0);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        // In the backward pass we receive a Tensor containing the gradient of the loss
        // with respect to the output, and we need to compute the gradient of the loss
        // with respect to the input.
        var input = ctx.get_saved_variables()[0];   // input, = ctx.saved_tensors
        var grad_input = grad_output.clone();
        grad_input.masked_fill_(input < 0, 0);      // grad_input[input < 0] = 0
        return [grad_input];
    }
}
