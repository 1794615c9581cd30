using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Data;

/// <summary>
/// The current tutorial's data: <c>x = torch.linspace(-math.pi, math.pi, 2000)</c> and <c>y = torch.sin(x)</c>, in that
/// order. Neither draws from the random generator, so the weights the scripts draw next (after
/// <c>torch.manual_seed</c>) equal PyTorch's.
/// </summary>
public sealed class SineData : IDisposable
{
    /// <summary>The tutorial's number of points: 2000.</summary>
    public const int TutorialPoints = 2000;

    private SineData(Tensor x, Tensor y)
    {
        X = x;
        Y = y;
    }

    /// <summary>The inputs: <see cref="Points"/> evenly spaced values from −π to π.</summary>
    public Tensor X { get; }

    /// <summary>The targets: <c>sin(x)</c>.</summary>
    public Tensor Y { get; }

    /// <summary>The number of points.</summary>
    public long Points => X.shape[0];

    /// <summary>Creates <c>x = linspace(-π, π, points)</c>, then <c>y = sin(x)</c>.</summary>
    /// <param name="device">Where to create the tensors; the CPU when null.</param>
    /// <param name="dtype">The element type; float32 when null, as in the tutorial.</param>
    /// <param name="points">How many points; the tutorial's 2000 by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="points"/> is below 2.</exception>
    public static SineData Create(Device? device = null, ScalarType? dtype = null, int points = TutorialPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var x = linspace(-Math.PI, Math.PI, points, dtype: dtype ?? ScalarType.Float32, device: device);
        var y = sin(x);
        return new SineData(x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    /// <summary>Releases both tensors' native memory.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }
}
