namespace TorchTutorial.Optimizers;

/// <summary>PyTorch's checks of Adam's hyper-parameters, with messages that name the argument and its range.</summary>
internal static class AdamHyperParameters
{
    /// <summary>Throws when a hyper-parameter is out of range (NaN and infinities included, which TorchSharp's Adam lets through).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The first bad one, by name.</exception>
    public static void Check(double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        static void NonNegative(double value, string name)
        {
            if (!(double.IsFinite(value) && value >= 0))
            {
                throw new ArgumentOutOfRangeException(name, value, $"Adam's {name} must be a finite number ≥ 0, not {value}.");
            }
        }

        static void Beta(double value, string name)
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(name, value, $"Adam's {name} must be in [0, 1), not {value}.");
            }
        }

        NonNegative(lr, "lr");
        Beta(beta1, "beta1");
        Beta(beta2, "beta2");
        NonNegative(eps, "eps");
        NonNegative(weightDecay, "weight_decay");
    }
}
