using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>
/// The tutorial's <c>TwoLayerNet(torch.nn.Module)</c>: <c>linear2(linear1(x).clamp(min=0))</c>.
/// Parameter names match PyTorch's: <c>linear1.weight</c>, <c>linear1.bias</c>, <c>linear2.weight</c>, <c>linear2.bias</c>.
/// </summary>
public sealed class TwoLayerNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear1;
    private readonly Linear linear2;

    /// <summary>Instantiates two <c>nn.Linear</c> modules, initialised in PyTorch's order (linear1, then linear2).</summary>
    /// <param name="inputSize">D_in.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="outputSize">D_out.</param>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, Device? device = null, ScalarType? dtype = null)
        : base(nameof(TwoLayerNet))
    {
        linear1 = nn.Linear(inputSize, hiddenSize, device: device, dtype: dtype);
        linear2 = nn.Linear(hiddenSize, outputSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Accepts a tensor of input data (N × D_in) and returns the predictions (N × D_out).</summary>
    public override Tensor forward(Tensor x)
    {
        var h_relu = linear1.forward(x).clamp(min: 0);
        var y_pred = linear2.forward(h_relu);
        return y_pred;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            linear1.Dispose();
            linear2.Dispose();
        }

        base.Dispose(disposing);
    }
}
