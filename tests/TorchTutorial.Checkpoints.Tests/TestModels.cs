using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints.Tests;

/// <summary>The models the tutorial's scripts build inline with <c>nn.Sequential</c>, for tests that need one outside a section.</summary>
internal static class TestModels
{
    /// <summary>two_layer_net_nn.py's <c>nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))</c>.</summary>
    public static Sequential TwoLayerSequential(int dIn, int h, int dOut) =>
        nn.Sequential(nn.Linear(dIn, h), nn.ReLU(), nn.Linear(h, dOut));

    /// <summary>polynomial_nn.py's <c>nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))</c>.</summary>
    public static Sequential PolynomialSequential() => nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1));
}
