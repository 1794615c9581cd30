using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>The model the tutorial's nn and optim scripts build with <c>torch.nn.Sequential</c>.</summary>
public static class TwoLayerSequential
{
    /// <summary>
    /// <c>torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))</c>, initialised in
    /// PyTorch's order; parameters are named <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c> as in PyTorch.
    /// </summary>
    /// <param name="inputSize">D_in.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="outputSize">D_out.</param>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public static Sequential Create(int inputSize, int hiddenSize, int outputSize, Device? device = null, ScalarType? dtype = null) =>
        nn.Sequential(
            nn.Linear(inputSize, hiddenSize, device: device, dtype: dtype),
            nn.ReLU(),
            nn.Linear(hiddenSize, outputSize, device: device, dtype: dtype));
}
