using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Optimizers;

/// <summary>
/// TorchSharp's Adam update of one contiguous CPU parameter (<see cref="TorchSharp.Modules.Adam"/>'s <c>step</c>) in two
/// vectorized passes, each element rounded exactly as libtorch's CPU kernels round the eight operations Adam issues, so
/// the results are bit for bit those of TorchSharp's Adam.
/// </summary>
/// <remarks>
/// What TorchSharp's Adam runs per parameter, and what libtorch's CPU kernels compute for each element (measured
/// element by element against libtorch 2.10's x86-64 kernels, vector and scalar paths, float32 and float64):
/// <list type="table">
/// <item><term><c>grad = -grad</c> (maximize)</term><description>negation, exact</description></item>
/// <item><term><c>grad = grad.add(param, alpha: weight_decay)</c></term><description><c>fma(param, weight_decay, grad)</c></description></item>
/// <item><term><c>exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1)</c></term><description><c>fma(grad, 1 - beta1, exp_avg * beta1)</c></description></item>
/// <item><term><c>exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2)</c></term><description><c>fma((1 - beta2) * grad, grad, exp_avg_sq * beta2)</c></description></item>
/// <item><term><c>max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)</c> (amsgrad)</term><description>the larger, NaN if either is</description></item>
/// <item><term><c>denom = (sqrt(v) / sqrt(bias_correction2)).add_(eps)</c></term><description><c>sqrt(v) / c + eps</c>, the square root libtorch's own</description></item>
/// <item><term><c>param.addcdiv_(exp_avg, denom, value: -step_size)</c></term><description><c>param + (-step_size * exp_avg) / denom</c></description></item>
/// </list>
/// Every scalar is the double TorchSharp passes, rounded to the element type, as libtorch converts it. The square root
/// is left to libtorch (<see cref="Tensor.sqrt()"/>, between the two passes): its vectorized square root is not the
/// correctly rounded one (it differs from <see cref="Math.Sqrt(double)"/> in about 0.6% of float32 elements), and a
/// single differing last bit grows, through Adam, into a 1e-3 difference of the optim section's late losses.
/// <para>
/// The fused multiply-adds are those of libtorch's kernels on x86-64 CPUs with AVX2 and FMA (its AVX2 and AVX-512
/// kernels, which it selects at run time), so only such CPUs take this path; on others <see cref="FusedAdam"/> hands
/// every parameter to libtorch's fused kernel. The passes are written twice, for 512-bit vectors where .NET
/// accelerates them and 256-bit ones otherwise: the element arithmetic is the same, the wider one halves the loop's
/// iterations.
/// </para>
/// </remarks>
internal static class AdamArithmetic
{
    // libtorch's elementwise kernels split work into 32,768-element grains; a pass over more than two of ours runs on
    // libtorch's thread count, so a large model's optimizer step is as parallel as TorchSharp's Adam's.
    private const int Grain = 1 << 16;

    /// <summary>
    /// Whether this path runs here: the rounding above is that of libtorch's x86-64 kernels (AVX2 or AVX-512, both with
    /// FMA), so it needs such a CPU and .NET's use of it; elsewhere every parameter takes libtorch's fused kernel.
    /// </summary>
    internal static bool IsSupported { get; } = Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Whether one parameter can take this path: float32 or float64, on the CPU, every tensor contiguous and alike.</summary>
    public static bool Applies(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq)
    {
        if (!IsSupported || param.device_type != DeviceType.CPU || param.dtype is not (ScalarType.Float32 or ScalarType.Float64) || grad.is_sparse)
        {
            return false;
        }

        long bytes = param.NumberOfElements * param.ElementSize;
        return bytes <= int.MaxValue && param.is_contiguous() && Alike(param, grad) && Alike(param, expAvg) && Alike(param, expAvgSq)
               && (maxExpAvgSq is null || Alike(param, maxExpAvgSq));
    }

    /// <summary>
    /// One Adam step of <paramref name="param"/> (with its <paramref name="grad"/> and the state's running means
    /// <paramref name="expAvg"/> and <paramref name="expAvgSq"/>, updated in place), as TorchSharp's Adam computes it with
    /// the group's <paramref name="lr"/>, <paramref name="beta1"/>, <paramref name="beta2"/>, <paramref name="eps"/>,
    /// <paramref name="weightDecay"/> and <paramref name="maximize"/>. <paramref name="maxExpAvgSq"/> is the running
    /// maximum with AMSGrad, else null; <paramref name="step"/> the step being taken (the state's step after its
    /// increment), for the bias corrections.
    /// </summary>
    public static void Step(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, long step,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize)
    {
        // As TorchSharp's Adam, in double.
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        if (param.dtype == ScalarType.Float32)
        {
            Run(new Coefficients<float>(beta1, beta2, weightDecay, maximize, Math.Sqrt(biasCorrection2), eps, -stepSize),
                param, grad, expAvg, expAvgSq, maxExpAvgSq);
        }
        else
        {
            Run(new Coefficients<double>(beta1, beta2, weightDecay, maximize, Math.Sqrt(biasCorrection2), eps, -stepSize),
                param, grad, expAvg, expAvgSq, maxExpAvgSq);
        }
    }

    private static bool Alike(Tensor param, Tensor other) =>
        other.dtype == param.dtype && other.device_type == DeviceType.CPU && other.NumberOfElements == param.NumberOfElements && other.is_contiguous();

    private static void Run<T>(Coefficients<T> c, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = checked((int)param.NumberOfElements);
        int grains = (length + Grain - 1) / Grain;
        int threads = grains > 2 ? Math.Min(grains, get_num_threads()) : 1;
        if (threads > 1)
        {
            RunInGrains(c, param, grad, expAvg, expAvgSq, maxExpAvgSq, length, grains, threads);
            return;
        }

        Span<T> weights = Of<T>(param, 0, length), means = Of<T>(expAvg, 0, length);
        Moments(c, Of<T>(grad, 0, length), weights, means, Of<T>(expAvgSq, 0, length), maxExpAvgSq is null ? default : Of<T>(maxExpAvgSq, 0, length));

        // libtorch's square root, as TorchSharp's Adam takes it: of the running maximum with AMSGrad.
        using var root = (maxExpAvgSq ?? expAvgSq).sqrt();
        Parameter(c, weights, means, Of<T>(root, 0, length));
    }

    /// <summary>The same two passes, each split into grains that run on up to <paramref name="threads"/> threads.</summary>
    private static void RunInGrains<T>(Coefficients<T> c, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq,
        int length, int grains, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, grains, options, g =>
        {
            int start = g * Grain, count = Math.Min(Grain, length - start);
            Moments(c, Of<T>(grad, start, count), Of<T>(param, start, count), Of<T>(expAvg, start, count), Of<T>(expAvgSq, start, count),
                maxExpAvgSq is null ? default : Of<T>(maxExpAvgSq, start, count));
        });

        using var root = (maxExpAvgSq ?? expAvgSq).sqrt();
        Parallel.For(0, grains, options, g =>
        {
            int start = g * Grain, count = Math.Min(Grain, length - start);
            Parameter(c, Of<T>(param, start, count), Of<T>(expAvg, start, count), Of<T>(root, start, count));
        });
    }

    private static Span<T> Of<T>(Tensor tensor, int start, int count) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(tensor.bytes).Slice(start, count);

    /// <summary>The first pass: the gradient as Adam uses it, then the two running means (and their maximum).</summary>
    private static void Moments<T>(in Coefficients<T> c, ReadOnlySpan<T> grad, ReadOnlySpan<T> param, Span<T> expAvg, Span<T> expAvgSq, Span<T> maxExpAvgSq)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool amsgrad = !maxExpAvgSq.IsEmpty;
        ref T g0 = ref MemoryMarshal.GetReference(grad), p0 = ref MemoryMarshal.GetReference(param);
        ref T m0 = ref MemoryMarshal.GetReference(expAvg), v0 = ref MemoryMarshal.GetReference(expAvgSq), max0 = ref MemoryMarshal.GetReference(maxExpAvgSq);
        nuint i = 0, length = (nuint)grad.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var beta1 = Vector512.Create(c.Beta1);
            var oneMinusBeta1 = Vector512.Create(c.OneMinusBeta1);
            var beta2 = Vector512.Create(c.Beta2);
            var oneMinusBeta2 = Vector512.Create(c.OneMinusBeta2);
            var weightDecay = Vector512.Create(c.WeightDecay);
            for (; i + (nuint)Vector512<T>.Count <= length; i += (nuint)Vector512<T>.Count)
            {
                var g = Vector512.LoadUnsafe(ref g0, i);
                g = c.Maximize ? -g : g;
                g = c.DecaysWeights ? Fma(Vector512.LoadUnsafe(ref p0, i), weightDecay, g) : g;
                Fma(g, oneMinusBeta1, Vector512.LoadUnsafe(ref m0, i) * beta1).StoreUnsafe(ref m0, i);
                var v = Fma(oneMinusBeta2 * g, g, Vector512.LoadUnsafe(ref v0, i) * beta2);
                v.StoreUnsafe(ref v0, i);
                if (amsgrad)
                {
                    var max = Vector512.LoadUnsafe(ref max0, i);
                    Vector512.ConditionalSelect(Vector512.GreaterThan(max, v) | ~Vector512.Equals(max, max), max, v).StoreUnsafe(ref max0, i);
                }
            }
        }
        else
        {
            var beta1 = Vector256.Create(c.Beta1);
            var oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
            var beta2 = Vector256.Create(c.Beta2);
            var oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
            var weightDecay = Vector256.Create(c.WeightDecay);
            for (; i + (nuint)Vector256<T>.Count <= length; i += (nuint)Vector256<T>.Count)
            {
                var g = Vector256.LoadUnsafe(ref g0, i);
                g = c.Maximize ? -g : g;
                g = c.DecaysWeights ? Fma(Vector256.LoadUnsafe(ref p0, i), weightDecay, g) : g;
                Fma(g, oneMinusBeta1, Vector256.LoadUnsafe(ref m0, i) * beta1).StoreUnsafe(ref m0, i);
                var v = Fma(oneMinusBeta2 * g, g, Vector256.LoadUnsafe(ref v0, i) * beta2);
                v.StoreUnsafe(ref v0, i);
                if (amsgrad)
                {
                    var max = Vector256.LoadUnsafe(ref max0, i);
                    Vector256.ConditionalSelect(Vector256.GreaterThan(max, v) | ~Vector256.Equals(max, max), max, v).StoreUnsafe(ref max0, i);
                }
            }
        }

        for (int j = (int)i; j < grad.Length; j++)
        {
            var g = c.Maximize ? -grad[j] : grad[j];
            g = c.DecaysWeights ? T.FusedMultiplyAdd(param[j], c.WeightDecay, g) : g;
            expAvg[j] = T.FusedMultiplyAdd(g, c.OneMinusBeta1, expAvg[j] * c.Beta1);
            var v = T.FusedMultiplyAdd(c.OneMinusBeta2 * g, g, expAvgSq[j] * c.Beta2);
            expAvgSq[j] = v;
            if (amsgrad)
            {
                var max = maxExpAvgSq[j];
                maxExpAvgSq[j] = max > v || T.IsNaN(max) ? max : v;
            }
        }
    }

    /// <summary>The second pass: the parameter moves by the corrected mean over the corrected root.</summary>
    private static void Parameter<T>(in Coefficients<T> c, Span<T> param, ReadOnlySpan<T> expAvg, ReadOnlySpan<T> root)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p0 = ref MemoryMarshal.GetReference(param), m0 = ref MemoryMarshal.GetReference(expAvg), r0 = ref MemoryMarshal.GetReference(root);
        nuint i = 0, length = (nuint)param.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var correction = Vector512.Create(c.BiasCorrection2Sqrt);
            var reciprocal = Vector512.Create(c.CorrectionReciprocal);
            var eps = Vector512.Create(c.Eps);
            var stepSize = Vector512.Create(c.NegativeStepSize);
            for (; i + (nuint)Vector512<T>.Count <= length; i += (nuint)Vector512<T>.Count)
            {
                var denom = DivideByCorrection(Vector512.LoadUnsafe(ref r0, i), correction, reciprocal) + eps;
                (Vector512.LoadUnsafe(ref p0, i) + (stepSize * Vector512.LoadUnsafe(ref m0, i) / denom)).StoreUnsafe(ref p0, i);
            }
        }
        else
        {
            var correction = Vector256.Create(c.BiasCorrection2Sqrt);
            var reciprocal = Vector256.Create(c.CorrectionReciprocal);
            var eps = Vector256.Create(c.Eps);
            var stepSize = Vector256.Create(c.NegativeStepSize);
            for (; i + (nuint)Vector256<T>.Count <= length; i += (nuint)Vector256<T>.Count)
            {
                var denom = DivideByCorrection(Vector256.LoadUnsafe(ref r0, i), correction, reciprocal) + eps;
                (Vector256.LoadUnsafe(ref p0, i) + (stepSize * Vector256.LoadUnsafe(ref m0, i) / denom)).StoreUnsafe(ref p0, i);
            }
        }

        for (int j = (int)i; j < param.Length; j++)
        {
            var denom = (root[j] / c.BiasCorrection2Sqrt) + c.Eps;
            param[j] += c.NegativeStepSize * expAvg[j] / denom;
        }
    }

    // root / correction, rounded as libtorch's float division rounds it. For float32 the quotient is taken in double, as
    // root times the double reciprocal of the (float) correction, then rounded to float: that product is within 2^-52
    // of the exact quotient, and a quotient of two floats is never closer than about 2^-49 to a point halfway between
    // two floats (when it is a normal number, as here: the correction is at least sqrt(1 - beta2) and the root is zero or
    // at least the root of the smallest subnormal), so both round to the same float; one multiplication in place of a
    // division. Float64 keeps the division (no wider type to take it in).
    private static Vector512<T> DivideByCorrection<T>(Vector512<T> root, Vector512<T> correction, Vector512<double> reciprocal)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float))
        {
            return root / correction;
        }

        var (lower, upper) = Vector512.Widen(root.As<T, float>());
        return Vector512.Narrow(lower * reciprocal, upper * reciprocal).As<float, T>();
    }

    private static Vector256<T> DivideByCorrection<T>(Vector256<T> root, Vector256<T> correction, Vector256<double> reciprocal)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float))
        {
            return root / correction;
        }

        var (lower, upper) = Vector256.Widen(root.As<T, float>());
        return Vector256.Narrow(lower * reciprocal, upper * reciprocal).As<float, T>();
    }

    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> addend) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();

    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> addend) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();

    /// <summary>Adam's scalars for one step, each rounded from TorchSharp's double to the element type.</summary>
    private readonly struct Coefficients<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Coefficients(double beta1, double beta2, double weightDecay, bool maximize, double biasCorrection2Sqrt, double eps, double negativeStepSize)
        {
            Beta1 = T.CreateChecked(beta1);
            OneMinusBeta1 = T.CreateChecked(1 - beta1);
            Beta2 = T.CreateChecked(beta2);
            OneMinusBeta2 = T.CreateChecked(1 - beta2);
            WeightDecay = T.CreateChecked(weightDecay);
            DecaysWeights = weightDecay != 0;
            Maximize = maximize;
            BiasCorrection2Sqrt = T.CreateChecked(biasCorrection2Sqrt);
            CorrectionReciprocal = 1.0 / double.CreateChecked(BiasCorrection2Sqrt);
            Eps = T.CreateChecked(eps);
            NegativeStepSize = T.CreateChecked(negativeStepSize);
        }

        public T Beta1 { get; }

        public T OneMinusBeta1 { get; }

        public T Beta2 { get; }

        public T OneMinusBeta2 { get; }

        public T WeightDecay { get; }

        public bool DecaysWeights { get; }

        public bool Maximize { get; }

        public T BiasCorrection2Sqrt { get; }

        /// <summary>1 / <see cref="BiasCorrection2Sqrt"/> in double, for the float32 division (<c>DivideByCorrection</c>).</summary>
        public double CorrectionReciprocal { get; }

        public T Eps { get; }

        public T NegativeStepSize { get; }
    }
}
