using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Optimizers;

/// <summary>
/// Optimizers with PyTorch's switches that TorchSharp's <c>torch.optim</c> lacks: <c>Optim.Adam(params, lr, fused: true)</c>
/// as <c>torch.optim.Adam(params, lr, fused=True)</c>.
/// </summary>
public static class Optim
{
    /// <summary>
    /// Adam: TorchSharp's <see cref="TorchSharp.Modules.Adam"/>, or with <paramref name="fused"/> the
    /// <see cref="FusedAdam"/> (libtorch's one-pass kernel: faster, the same results to round-off). Both are a
    /// <see cref="TorchSharp.Modules.Adam"/> with the same options and state.
    /// </summary>
    /// <param name="parameters">The parameters to optimize (at least one).</param>
    /// <param name="lr">Learning rate, a finite number ≥ 0 (default 1e-3).</param>
    /// <param name="beta1">Decay of the running mean of the gradient, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Decay of the running mean of the squared gradient, in [0, 1) (default 0.999).</param>
    /// <param name="eps">Added to the denominator for stability, a finite number ≥ 0 (default 1e-8).</param>
    /// <param name="weight_decay">L2 penalty added to the gradient, a finite number ≥ 0 (default 0).</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <param name="fused">Update every parameter group in libtorch's one fused kernel (<see cref="FusedAdam"/>) instead of eight kernels per parameter.</param>
    /// <returns>The optimizer; dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no parameters (or, fused, one the kernel cannot update).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of its range.</exception>
    public static Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false, bool fused = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (fused)
        {
            return new FusedAdam(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);   // checks its own arguments
        }

        AdamHyperParameters.Check(lr, beta1, beta2, eps, weight_decay);

        var list = parameters.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("Adam got an empty parameter list: pass the model's parameters().", nameof(parameters));
        }

        return optim.Adam(list, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);
    }
}
