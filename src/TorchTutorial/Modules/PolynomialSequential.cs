using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>The model the current tutorial's polynomial_nn.py and polynomial_optim.py build with <c>torch.nn.Sequential</c>.</summary>
public static class PolynomialSequential
{
    /// <summary>
    /// <c>torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))</c>: a linear layer over (x, x², x³) whose
    /// (N, 1) output is flattened to N values, the shape of <c>y</c>. Parameters are named <c>0.weight</c> (1 × 3) and
    /// <c>0.bias</c> (1) as in PyTorch, and initialised in PyTorch's order.
    /// </summary>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public static Sequential Create(Device? device = null, ScalarType? dtype = null) =>
        nn.Sequential(
            nn.Linear(3, 1, device: device, dtype: dtype),
            nn.Flatten(0, 1));
}
