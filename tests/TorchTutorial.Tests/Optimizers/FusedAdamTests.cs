using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Data;
using TorchTutorial.Modules;
using TorchTutorial.Optimizers;
using TorchTutorial.Tests.Parity;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Optimizers;

/// <summary>
/// <see cref="FusedAdam"/> computes what TorchSharp's Adam computes: on the CPU bit for bit, with every option, in
/// float32 and float64; elsewhere (libtorch's fused kernel) to round-off. It computes what PyTorch computed (the
/// recorded two_layer optim references); its state is Adam's and resumes.
/// </summary>
public sealed class FusedAdamTests
{
    private const int Steps = 500;

    // libtorch's fused kernel evaluates Adam's formula in another order (exp_avg by lerp, as PyTorch 2.x does): float32
    // losses then agree with TorchSharp's Adam to 1e-6 over the first 100 steps, and Adam amplifies the round-off to
    // 2e-4 by step 408 as the loss approaches float32's resolution.
    private const double KernelFloat32Tolerance = 1e-5;
    private const int KernelFloat32StrictSteps = 100;
    private const double KernelFloat32TailTolerance = 1e-3;

    public static IEnumerable<TestCaseData> Options()
    {
        yield return new TestCaseData(new AdamSettings()).SetArgDisplayNames("defaults");
        yield return new TestCaseData(new AdamSettings(WeightDecay: 1.0)).SetArgDisplayNames("weight_decay");
        yield return new TestCaseData(new AdamSettings(AmsGrad: true)).SetArgDisplayNames("amsgrad");
        yield return new TestCaseData(new AdamSettings(Maximize: true)).SetArgDisplayNames("maximize");
        yield return new TestCaseData(new AdamSettings(Beta1: 0.8, Beta2: 0.99, Eps: 1e-6)).SetArgDisplayNames("betas-eps");
    }

    [TestCaseSource(nameof(Options))]
    public void EqualsTorchSharpsAdam_Float32(AdamSettings settings) => AssertEqualsAdam(settings, ScalarType.Float32);

    [TestCaseSource(nameof(Options))]
    public void EqualsTorchSharpsAdam_Float64(AdamSettings settings) => AssertEqualsAdam(settings, ScalarType.Float64);

    [TestCaseSource(nameof(Options))]
    public void LibtorchsKernel_MatchesTorchSharpsAdam_ToRoundOff(AdamSettings settings)
    {
        // What CUDA parameters (and half-precision or non-contiguous ones) get, here forced on the CPU.
        var expected = Train(settings.Unfused, settings, ScalarType.Float32, Steps);
        var actual = Train(p => settings.Fused(p, cpuArithmetic: false), settings, ScalarType.Float32, Steps);
        var strict = LossComparison.Compare(expected.Losses[..KernelFloat32StrictSteps], actual.Losses[..KernelFloat32StrictSteps]);
        var whole = LossComparison.Compare(expected.Losses, actual.Losses);
        TestContext.Out.WriteLine($"{settings}: loss deviation {strict.Worst:E2} over the first {KernelFloat32StrictSteps} steps, " +
                                  $"{whole.Worst:E2} over {whole.StepsCompared} (at {whole.WorstStep})");
        Assert.Multiple(() =>
        {
            Assert.That(strict.Worst, Is.LessThanOrEqualTo(KernelFloat32Tolerance), $"the first {KernelFloat32StrictSteps} losses");
            Assert.That(whole.Worst, Is.LessThanOrEqualTo(KernelFloat32TailTolerance), "all losses");
            Assert.That(actual.Losses, Is.Not.EqualTo(expected.Losses), "the kernel's own round-off: this is not the CPU path");
        });
    }

    [Test]
    public void ALargeParameter_UpdatedOnSeveralThreads_EqualsTorchSharpsAdam()
    {
        CpuPath.Require();
        // 300,000 elements: five grains, spread over libtorch's threads as its own elementwise kernels are.
        int threads = get_num_threads();
        try
        {
            set_num_threads(2);
            manual_seed(3);
            using var start = randn(600, 500);
            using var target = randn(600, 500);
            Assert.That(TrainDirect(p => new FusedAdam(p, lr: 1e-3, amsgrad: true), start, target),
                Is.EqualTo(TrainDirect(p => optim.Adam(p, lr: 1e-3, amsgrad: true), start, target)));
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Test]
    public void NonContiguousParameters_TakeLibtorchsFusedKernel_AlongsideTheOthers()
    {
        CpuPath.Require();
        // A transposed parameter cannot be walked as one span: the step hands it to libtorch's _fused_adam_, in the same
        // group as a contiguous one, which is updated on the CPU path. Both move as Adam moves them.
        manual_seed(4);
        using var contiguousStart = randn(50, 40);
        using var transposedStart = randn(40, 50);
        using var target = randn(50, 40);
        float[] Run(Func<IEnumerable<Parameter>, Adam> create)
        {
            using var a = new Parameter(contiguousStart.clone());
            using var b = new Parameter(transposedStart.clone().t());
            Assert.That(b.is_contiguous(), Is.False);
            using var optimizer = create([a, b]);
            for (int step = 0; step < 50; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                ((a - target).square().sum() + (b - target).square().sum()).backward();
                optimizer.step();
            }

            using var both = cat([a.detach().flatten(), b.detach().contiguous().flatten()]);
            return both.data<float>().ToArray();
        }

        var expected = Run(p => optim.Adam(p, lr: 0.01));
        var actual = Run(p => new FusedAdam(p, lr: 0.01));
        Assert.Multiple(() =>
        {
            Assert.That(actual[..2000], Is.EqualTo(expected[..2000]), "the contiguous parameter, on the CPU path: bit for bit");
            Assert.That(actual[2000..], Is.EqualTo(expected[2000..]).Within(1e-5f), "the transposed one, by libtorch's kernel: to round-off");
            Assert.That(actual[2000..], Is.Not.EqualTo(transposedStart.t().contiguous().flatten().data<float>().ToArray()), "it moved");
        });
    }

    [TestCase(ScalarType.Float16)]
    [TestCase(ScalarType.BFloat16)]
    public void HalfPrecision_TakesLibtorchsFusedKernel(ScalarType dtype)
    {
        manual_seed(5);
        using var p = new Parameter(randn(64, dtype: dtype));
        using var target = zeros(64, dtype: dtype);
        using var optimizer = new FusedAdam([p], lr: 0.05);
        using var before = (p.detach() - target).square().sum().to(ScalarType.Float32);
        for (int step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (p - target).square().sum().backward();
            optimizer.step();
        }

        using var after = (p.detach() - target).square().sum().to(ScalarType.Float32);
        Assert.That(after.item<float>(), Is.LessThan(before.item<float>() / 10), "the kernel trains half-precision weights");
    }

    [Test]
    public void EachOption_ChangesTheTrajectory()
    {
        // Guards the comparisons above: an option the fused step ignored would still match if it did nothing.
        var plain = Train(p => new FusedAdam(p, lr: 1e-4), new AdamSettings(), ScalarType.Float64, Steps).Losses;
        foreach (var settings in new[] { new AdamSettings(WeightDecay: 1.0), new AdamSettings(AmsGrad: true) })
        {
            var other = Train(p => settings.Fused(p), settings, ScalarType.Float64, Steps).Losses;
            Assert.That(LossComparison.Compare(plain, other).Worst, Is.GreaterThan(1e-3), settings.ToString());
        }
    }

    public static IEnumerable<TestCaseData> OptimReferences() =>
        ParityReference.All().Where(r => r.Section == "optim").Select(r => new TestCaseData(r).SetArgDisplayNames(r.ToString()));

    [TestCaseSource(nameof(OptimReferences))]
    public void MatchesPyTorch_StepByStep(ParityReference reference)
    {
        // The same bounds as the optim section's parity test (PyTorchParityTests): float64 to 1e-10 over every step,
        // float32 to 1e-4 over the first 100 and 1e-3 over the rest (two BLAS libraries' round-off, amplified by Adam).
        var o = reference.Options;
        var result = Train(p => new FusedAdam(p, lr: o.Lr), new AdamSettings(o.Lr), o.ScalarType, o.Steps, o.Sizes, o.Seed);
        var whole = LossComparison.Compare(reference.Losses, result.Losses);
        var start = LossComparison.Compare(reference.Losses[..100], result.Losses[..100]);
        TestContext.Out.WriteLine($"{reference}: worst {whole.Worst:E2} at step {whole.WorstStep}; first 100 steps {start.Worst:E2}");
        Assert.Multiple(() =>
        {
            Assert.That(result.Losses, Has.Length.EqualTo(reference.Losses.Length));
            if (o.DType == "float64")
            {
                Assert.That(whole.Worst, Is.LessThanOrEqualTo(1e-10));
            }
            else
            {
                Assert.That(start.Worst, Is.LessThanOrEqualTo(1e-4));
                Assert.That(whole.Worst, Is.LessThanOrEqualTo(1e-3));
            }
        });
    }

    [Test]
    public void StateIsAdams_AndResumesExactly()
    {
        // 300 steps in one go, against 150, the state handed to a new FusedAdam through Adam's state_dict, and 150 more.
        // The new optimizer's own step tensors start at 0: unless they follow the loaded step (150), the bias corrections
        // of step 151 would be those of step 1 and the update ten times too large.
        var uninterrupted = Train(p => new FusedAdam(p, lr: 1e-4), new AdamSettings(), ScalarType.Float32, 300).Losses;

        manual_seed(0);
        using var x = randn(64, 1000);
        using var y = randn(64, 10);
        using var model = nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        var losses = new List<double>();
        Func<int, Tensor> Step(optim.Optimizer optimizer) => _ =>
        {
            var loss = loss_fn.forward(model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss;
        };

        using (var first = new FusedAdam(model.parameters(), lr: 1e-4))
        using (var second = new FusedAdam(model.parameters(), lr: 1e-4))
        {
            losses.AddRange(new TrainingLoop(new TrainingOptions(150, 1e-4)).Run(Step(first)).Losses);
            var state = first.state_dict();
            Assert.That(state.State, Has.All.InstanceOf<Adam.State>());
            Assert.That(state.State.Cast<Adam.State>().Select(s => s.step), Has.All.EqualTo(150));
            second.load_state_dict(state);
            losses.AddRange(new TrainingLoop(new TrainingOptions(150, 1e-4)).Run(Step(second)).Losses);
            Assert.That(second.state_dict().State.Cast<Adam.State>().Select(s => s.step), Has.All.EqualTo(300));
        }

        Assert.That(losses, Is.EqualTo(uninterrupted));
    }

    [Test]
    public void IsAnAdam_ForCodeThatHandlesAdam()
    {
        using var model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
        using var optimizer = Optim.Adam(model.parameters(), lr: 0.01, amsgrad: true, fused: true);
        Assert.Multiple(() =>
        {
            Assert.That(optimizer, Is.InstanceOf<Adam>().And.InstanceOf<FusedAdam>());
            var options = (Adam.Options)optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().Single().Options;
            Assert.That((options.LearningRate, options.beta1, options.beta2, options.eps, options.amsgrad), Is.EqualTo((0.01, 0.9, 0.999, 1e-8, true)));
            Assert.That(optimizer.state_dict().State.Cast<Adam.State>().Select(s => s.max_exp_avg_sq), Has.None.Null);
        });
        using var unfused = Optim.Adam(model.parameters(), lr: 0.01);
        Assert.That(unfused, Is.Not.InstanceOf<FusedAdam>());
    }

    [Test]
    public void ZeroGrad_SetsGradientsToNone_AsPyTorch_OrToZerosOnRequest()
    {
        using var p = new Parameter(ones(3));
        using var optimizer = new FusedAdam([p], lr: 0.1);
        void Backward()
        {
            using var loss = (p * 2).sum();
            loss.backward();
        }

        Backward();
        optimizer.zero_grad();
        Assert.That(p.grad, Is.Null, "set_to_none, PyTorch's default");

        Backward();
        optimizer.zero_grad(set_to_none: false);
        using (var kept = p.grad)
        {
            Assert.That(kept!.data<float>().ToArray(), Is.All.EqualTo(0f), "zeroed in place, as TorchSharp's Adam does");
        }

        Backward();
        using var fresh = p.grad;
        Assert.That(fresh!.data<float>().ToArray(), Is.All.EqualTo(2f), "the next backward starts from nothing either way");
    }

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void GradientsOfEveryMagnitude_EqualsTorchSharpsAdam_BitForBit(ScalarType dtype)
    {
        CpuPath.Require();
        // The training runs above see gradients of a few magnitudes; here every element gets its own, from 1e-30 to 1e15
        // (so that the running mean of its square spans float32's whole range, subnormals and zeros included), signs
        // and exact zeros mixed, new ones each step. 4,099 elements: the vector loops and the scalar tail.
        manual_seed(11);
        using var start = randn(4099, dtype: dtype);
        var gradients = Enumerable.Range(0, 30).Select(_ =>
        {
            using var magnitude = pow(10.0, rand(4099, dtype: ScalarType.Float64) * 45 - 30);
            using var sign = randint(-1, 2, [4099], dtype: ScalarType.Float64);   // -1, 0 or 1
            return (magnitude * sign).to(dtype).DetachFromDisposeScope();
        }).ToArray();
        try
        {
            long[] Run(Func<IEnumerable<Parameter>, Adam> create)
            {
                using var p = new Parameter(start.clone());
                using var optimizer = create([p]);
                foreach (var gradient in gradients)
                {
                    using var scope = NewDisposeScope();
                    p.grad = gradient.clone();
                    optimizer.step();
                }

                using var bits = p.detach().to(ScalarType.Float64);
                return bits.data<double>().ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
            }

            var settings = new AdamSettings(Lr: 1e-2);
            var expected = Run(settings.Unfused);
            var actual = Run(settings.Fused);
            Assert.That(actual.Zip(expected).Count(x => x.First != x.Second), Is.Zero, "elements whose bits differ from TorchSharp's Adam's");
        }
        finally
        {
            foreach (var gradient in gradients)
            {
                gradient.Dispose();
            }
        }
    }

    [Test]
    public void SkipsParametersWithoutAGradient_AsAdamDoes()
    {
        using var used = new Parameter(ones(3));
        using var unused = new Parameter(ones(3));
        using var optimizer = new FusedAdam([used, unused], lr: 0.1);
        using (var loss = used.sum())
        {
            loss.backward();
        }

        optimizer.step();
        using var usedAfter = used.detach();
        using var unusedAfter = unused.detach();
        Assert.Multiple(() =>
        {
            Assert.That(usedAfter.data<float>().ToArray(), Is.All.EqualTo(0.9f).Within(1e-6f), "lr * sign(grad) on the first step");
            Assert.That(unusedAfter.data<float>().ToArray(), Is.All.EqualTo(1f));
            Assert.That(optimizer.state_dict().State.Cast<Adam.State>().Select(s => s.step), Is.EqualTo(new long[] { 1, 0 }));
        });
    }

    public static IEnumerable<TestCaseData> BadHyperParameters()
    {
        yield return new TestCaseData(new AdamSettings(Lr: double.NaN), "lr").SetArgDisplayNames("lr NaN");
        yield return new TestCaseData(new AdamSettings(Lr: -1e-3), "lr").SetArgDisplayNames("lr negative");
        yield return new TestCaseData(new AdamSettings(Beta1: 1.0), "beta1").SetArgDisplayNames("beta1 1");
        yield return new TestCaseData(new AdamSettings(Beta2: -0.1), "beta2").SetArgDisplayNames("beta2 negative");
        yield return new TestCaseData(new AdamSettings(Eps: double.PositiveInfinity), "eps").SetArgDisplayNames("eps infinite");
        yield return new TestCaseData(new AdamSettings(WeightDecay: -1), "weight_decay").SetArgDisplayNames("weight_decay negative");
    }

    [TestCaseSource(nameof(BadHyperParameters))]
    public void BadHyperParameter_IsRefusedByName(AdamSettings settings, string name)
    {
        using var model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
        Assert.Multiple(() =>
        {
            var fused = Assert.Throws<ArgumentOutOfRangeException>(() => settings.Fused(model.parameters()).Dispose());
            Assert.That(fused!.ParamName, Is.EqualTo(name));
            Assert.That(fused.Message, Does.Contain(name).And.Contain(settings.ValueOf(name)));
            var factory = Assert.Throws<ArgumentOutOfRangeException>(() =>
                Optim.Adam(model.parameters(), settings.Lr, settings.Beta1, settings.Beta2, settings.Eps, settings.WeightDecay).Dispose());
            Assert.That(factory!.ParamName, Is.EqualTo(name));
        });
    }

    [Test]
    public void ChangedOptions_AreCheckedAtTheNextStep()
    {
        using var p = new Parameter(ones(2));
        using var optimizer = new FusedAdam([p]);
        ((Adam.Options)optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().Single().Options).LearningRate = double.NaN;
        using (var loss = p.sum())
        {
            loss.backward();
        }

        Assert.That(() => optimizer.step(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("lr"));
    }

    [Test]
    public void EmptyOrUnsupportedParameters_AreRefused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new FusedAdam(Array.Empty<Parameter>()), Throws.ArgumentException.With.Message.Contains("empty parameter list"));
            Assert.That(() => Optim.Adam(Array.Empty<Parameter>()), Throws.ArgumentException.With.Message.Contains("empty parameter list"));
            Assert.That(() => new FusedAdam((IEnumerable<Parameter>)null!), Throws.ArgumentNullException);
        });
        using var integers = new Parameter(zeros(3, dtype: ScalarType.Int64), requires_grad: false);
        Assert.That(() => new FusedAdam([integers]), Throws.ArgumentException.With.Message.Contains("Int64"));
    }

    [Test]
    public void AfterDispose_StepThrows()
    {
        using var p = new Parameter(ones(2));
        var optimizer = new FusedAdam([p]);
        optimizer.Dispose();
        Assert.That(() => optimizer.step(), Throws.TypeOf<ObjectDisposedException>());
    }

    private static void AssertEqualsAdam(AdamSettings settings, ScalarType dtype)
    {
        CpuPath.Require();
        var expected = Train(settings.Unfused, settings, dtype, Steps);
        var actual = Train(settings.Fused, settings, dtype, Steps);
        TestContext.Out.WriteLine($"{settings} {dtype}: losses {expected.Losses[0]:G6} -> {expected.Losses[^1]:G6}; " +
                                  $"{expected.Losses.Zip(actual.Losses).Count(l => l.First != l.Second)} of {Steps} differ");
        Assert.Multiple(() =>
        {
            Assert.That(actual.Losses, Is.EqualTo(expected.Losses), "every loss, bit for bit");
            Assert.That(actual.Weights, Is.EqualTo(expected.Weights), "the final weights, bit for bit");
            Assert.That(expected.Losses[^1], Is.LessThan(expected.Losses[0] / 100), "the run trains (so the comparison means something)");
        });
    }

    /// <summary>Fits one parameter to <paramref name="target"/> for 20 steps; returns its final values.</summary>
    private static float[] TrainDirect(Func<IEnumerable<Parameter>, Adam> create, Tensor start, Tensor target)
    {
        using var p = new Parameter(start.clone());
        using var optimizer = create([p]);
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (p - target).square().sum().backward();
            optimizer.step();
        }

        return p.detach().data<float>().ToArray();
    }

    /// <summary>The optim section's run (seed, data, model, MSELoss(sum), 500 steps) with the given optimizer.</summary>
    private static (double[] Losses, double[] Weights) Train(Func<IEnumerable<Parameter>, Adam> create, AdamSettings settings, ScalarType dtype, int steps,
        NetworkSizes? sizes = null, long seed = 0)
    {
        var (N, D_in, H, D_out) = sizes ?? NetworkSizes.Tutorial;
        manual_seed(seed);
        using var x = randn(N, D_in, dtype: dtype);
        using var y = randn(N, D_out, dtype: dtype);
        using var model = nn.Sequential(nn.Linear(D_in, H, dtype: dtype), nn.ReLU(), nn.Linear(H, D_out, dtype: dtype));
        using var loss_fn = nn.MSELoss(reduction: nn.Reduction.Sum);
        using var optimizer = create(model.parameters());
        var result = new TrainingLoop(new TrainingOptions(steps, settings.Lr)).Run(_ =>
        {
            var loss = loss_fn.forward(model.forward(x), y);
            optimizer.zero_grad();
            // maximize: ascend on -loss, which descends on the loss (a fused step that ignored the switch would diverge).
            (settings.Maximize ? loss.neg() : loss).backward();
            optimizer.step();
            return loss;
        });
        using var flat = cat(model.parameters().Select(p => p.detach().flatten()).ToArray()).to(ScalarType.Float64);
        return (result.Losses.ToArray(), flat.data<double>().ToArray());
    }

    /// <summary>Adam's hyper-parameters for one test case.</summary>
    public sealed record AdamSettings(double Lr = 1e-4, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0,
        bool AmsGrad = false, bool Maximize = false)
    {
        public Adam Fused(IEnumerable<Parameter> parameters) => Fused(parameters, cpuArithmetic: true);

        public Adam Fused(IEnumerable<Parameter> parameters, bool cpuArithmetic) =>
            new FusedAdam(parameters, Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad, Maximize) { CpuArithmetic = cpuArithmetic };

        public Adam Unfused(IEnumerable<Parameter> parameters) => optim.Adam(parameters, Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad, Maximize);

        public string ValueOf(string name) => (name switch
        {
            "lr" => Lr,
            "beta1" => Beta1,
            "beta2" => Beta2,
            "eps" => Eps,
            _ => WeightDecay,
        }).ToString(System.Globalization.CultureInfo.CurrentCulture);
    }
}
