using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Data;

/// <summary>
/// The tutorial's data: <c>x = torch.randn(N, D_in)</c> and <c>y = torch.randn(N, D_out)</c>, drawn in that order
/// so that after the same <c>torch.manual_seed</c> they equal PyTorch's.
/// </summary>
public sealed class RandomRegressionData : IDisposable
{
    private RandomRegressionData(Tensor x, Tensor y)
    {
        X = x;
        Y = y;
    }

    /// <summary>The inputs, N × D_in.</summary>
    public Tensor X { get; }

    /// <summary>The targets, N × D_out.</summary>
    public Tensor Y { get; }

    /// <summary>Draws x then y from the default generator (seed it first with <c>torch.manual_seed</c>).</summary>
    /// <param name="sizes">The network's sizes.</param>
    /// <param name="device">Where to create the tensors; the CPU when null.</param>
    /// <param name="dtype">The element type; float32 when null, as in the tutorial.</param>
    public static RandomRegressionData Create(NetworkSizes sizes, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var type = dtype ?? ScalarType.Float32;
        var x = randn(sizes.Batch, sizes.Input, dtype: type, device: device);
        var y = randn(sizes.Batch, sizes.Output, dtype: type, device: device);
        return new RandomRegressionData(x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    /// <summary>Releases both tensors' native memory.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }
}
