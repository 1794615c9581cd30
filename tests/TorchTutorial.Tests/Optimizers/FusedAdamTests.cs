using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Data;
using TorchTutorial.Devices;
using TorchTutorial.Optimizers;
using TorchTutorial.Training;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Optimizers;

/// <summary>
/// <see cref="FusedAdam"/> (libtorch's <c>_fused_adam_</c>) computes what TorchSharp's Adam computes, tested as PyTorch
/// tests its fused optimizers against the foreach ones: to round-off, not bit for bit. float64 losses within 1e-10
/// relative over all 500 steps; float32 within 1e-5 over the first 100 and, after, within the parity rule's BLAS-spread
/// envelope for Adam (<see cref="BlasSpreadRule"/>); every option; half precision. It computes what PyTorch computed
/// (the recorded optim references, by the parity rule); its state is Adam's and resumes through <c>state_dict</c> (through
/// every checkpoint format: TorchTutorial.Checkpoints.Tests' FusedAdamCheckpointTests).
/// </summary>
public sealed class FusedAdamTests
{
    private const int Steps = 500;
    private const double Float64Tolerance = 1e-10;
    private const double Float32StartTolerance = 1e-5;
    private const int Float32StartSteps = 100;

    private static readonly (string Name, AdamSettings Settings)[] OptionSets =
    [
        ("defaults", new AdamSettings()),
        // optim.lr's rate: a float32 run is judged against the BLAS spread PyTorch recorded for that same run (a rate
        // the references lack, 1e-3, leaves the smooth phase ten times sooner than optim.defaults' envelope allows for).
        ("lr", new AdamSettings(Lr: 5e-5)),
        ("betas", new AdamSettings(Beta1: 0.8, Beta2: 0.99)),
        ("eps", new AdamSettings(Eps: 1e-6)),
        ("weight_decay", new AdamSettings(WeightDecay: 1.0)),
        ("amsgrad", new AdamSettings(AmsGrad: true)),
        ("maximize", new AdamSettings(Maximize: true)),
    ];

    public static IEnumerable<TestCaseData> Options() => OptionSets.Select(o => new TestCaseData(o.Settings).SetArgDisplayNames(o.Name));

    [TestCaseSource(nameof(Options))]
    public void Float64_WithinOneInTenBillionOfTorchSharpsAdam_OverEveryStep(AdamSettings settings)
    {
        var expected = Float64Run(settings, fused: false);
        var actual = Float64Run(settings, fused: true);
        var losses = LossComparison.Compare(expected.Losses, actual.Losses);
        double weights = expected.Weights.Zip(actual.Weights, (e, a) => Math.Abs(a - e)).Max() / expected.Weights.Max(Math.Abs);
        TestContext.Out.WriteLine($"{settings}: worst loss deviation {losses.Worst:E2} at step {losses.WorstStep} ({losses.StepsCompared} steps compared); " +
                                  $"final weights {weights:E2} of the largest");
        Assert.Multiple(() =>
        {
            // Every step whose loss is above 1e-7 of the first (LossComparison's floor, as in the parity tests): below it the
            // loss is a sum of squares of residuals near float64's resolution, and a relative deviation there measures nothing.
            Assert.That(losses.Worst, Is.LessThanOrEqualTo(Float64Tolerance), $"every loss (worst at step {losses.WorstStep})");
            Assert.That(losses.StepsCompared, Is.GreaterThanOrEqualTo(100), "the steps before the run reaches the floor");
            Assert.That(weights, Is.LessThanOrEqualTo(Float64Tolerance), "the final weights");
            Assert.That(expected.Losses[^1], Is.LessThan(expected.Losses[0] / 100), "the run trains (so the comparison means something)");
        });
    }

    public static IEnumerable<TestCaseData> Float32Runs()
    {
        // Each option on the optim section's run, against the BLAS spread PyTorch recorded for that run (optim.defaults, or
        // optim.lr for the rate), and the other recorded float32 runs (another seed, sizes) against their own.
        var recorded = ParityReference.All().Where(r => r.Section == "optim" && r.Options.DType == "float32").ToList();
        foreach (var (name, settings) in OptionSets)
        {
            string set = settings.Lr == new AdamSettings().Lr ? "defaults" : recorded.Single(r => r.Set != "defaults" && r.Options.Lr == settings.Lr).Set;
            yield return new TestCaseData(settings, set).SetArgDisplayNames(name);
        }

        foreach (var reference in recorded.Where(r => r.Set is not "defaults" and not "lr"))
        {
            yield return new TestCaseData(new AdamSettings(reference.Options.Lr), reference.Set).SetArgDisplayNames($"optim.{reference.Set}");
        }
    }

    [TestCaseSource(nameof(Float32Runs))]
    public void Float32_FollowsTorchSharpsAdam_ToRoundOffFirst_ThenWithinTheBlasSpread(AdamSettings settings, string set)
    {
        var reference = ParityReference.Load(Path.Combine(ParityReference.Folder, $"optim.{set}.json"));
        var twin = reference.OpenBlasTwin();
        var o = reference.Options;
        var expected = Train(settings.Unfused, settings, ScalarType.Float32, o.Steps, o.Sizes, o.Seed);
        var actual = Train(settings.Fused, settings, ScalarType.Float32, o.Steps, o.Sizes, o.Seed);
        var start = LossComparison.Compare(expected.Losses[..Float32StartSteps], actual.Losses[..Float32StartSteps]);

        // After the first steps: the parity rule's allowance for Adam (k times how far PyTorch's own run has moved so far
        // when only its BLAS changes, capped as in the parity tests), at the steps LossComparison compares.
        double spread = 0, worstRatio = 0, floor = Math.Abs(expected.Losses[0]) * LossComparison.DefaultFloor;
        int worstStep = -1, compared = 0;
        for (int t = 0; t < o.Steps; t++)
        {
            spread = Math.Max(spread, BlasSpreadRule.Relative(twin.Losses[t], reference.Losses[t]));
            if (t < Float32StartSteps || Math.Abs(expected.Losses[t]) <= floor)
            {
                continue;
            }

            compared++;
            double ratio = BlasSpreadRule.Relative(actual.Losses[t], expected.Losses[t]) / BlasSpreadRule.Allowed(t, spread, float64: false, capped: true, BlasSpreadRule.AdamK);
            if (ratio > worstRatio)
            {
                (worstRatio, worstStep) = (ratio, t);
            }
        }

        TestContext.Out.WriteLine($"{settings} on optim.{set}: worst deviation {start.Worst:E2} over the first {Float32StartSteps} steps (step {start.WorstStep}); " +
                                  $"after, worst deviation / allowed {worstRatio:F3} at step {worstStep} ({compared} steps compared)");
        Assert.Multiple(() =>
        {
            Assert.That(start.Worst, Is.LessThanOrEqualTo(Float32StartTolerance), $"the first {Float32StartSteps} losses (worst at step {start.WorstStep})");
            Assert.That(worstRatio, Is.LessThanOrEqualTo(1), $"the later losses within the BLAS-spread envelope (worst at step {worstStep})");
            Assert.That(expected.Losses[^1], Is.LessThan(expected.Losses[0] / 1.5), "the run trains (so the comparison means something)");
        });
    }

    [Test]
    public void EachOption_ChangesTheTrajectory()
    {
        // Guards the comparisons above: an option the fused step ignored would still match if it did nothing. (maximize
        // ascends on -loss, the same trajectory as the plain run: a step that ignored it would climb the loss instead.)
        var plain = Float64Run(new AdamSettings(), fused: true).Losses;
        foreach (var settings in OptionSets.Select(o => o.Settings).Where(s => s != new AdamSettings() && !s.Maximize))
        {
            var other = Float64Run(settings, fused: true).Losses;
            Assert.That(WorstRelative(plain, other).Worst, Is.GreaterThan(1e-3), settings.ToString());
        }
    }

    [TestCase(ScalarType.Float16, 1.0 / 1024)]
    [TestCase(ScalarType.BFloat16, 1.0 / 128)]
    public void HalfPrecision_FollowsTorchSharpsAdam_WithinTheTypesResolution(ScalarType dtype, double resolution)
    {
        // The same fit with both optimizers in the same half type; each weight may differ by a few of the type's ulps
        // at its magnitude (its ulp at 1: float16 2^-10, bfloat16 2^-7), and the fit must get ten times better.
        manual_seed(5);
        using var start = randn(256);
        using var target = randn(256) * 0.1;
        float[] Run(Func<IEnumerable<Parameter>, Adam> create)
        {
            using var p = new Parameter(start.to(dtype));
            using var goal = target.to(dtype);
            using var optimizer = create([p]);
            for (int step = 0; step < 100; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                (p - goal).square().sum().backward();
                optimizer.step();
            }

            using var values = p.detach().to(ScalarType.Float32);
            return values.data<float>().ToArray();
        }

        var settings = new AdamSettings(Lr: 0.05);
        var expected = Run(settings.Unfused);
        var actual = Run(settings.Fused);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(a - e) / Math.Max(Math.Abs(e), 1)).Max();
        double errorBefore = start.sub(target).square().sum().item<float>();
        double errorAfter = actual.Zip(target.data<float>().ToArray(), (a, t) => (a - t) * (a - t)).Sum();
        TestContext.Out.WriteLine($"{dtype}: worst weight difference {worst:E2}; squared error {errorBefore:G4} -> {errorAfter:G4}");
        Assert.Multiple(() =>
        {
            Assert.That(worst, Is.LessThanOrEqualTo(4 * resolution), "each weight, in units of the larger of it and 1");
            Assert.That(errorAfter, Is.LessThan(errorBefore / 10), "the kernel trains half-precision weights");
        });
    }

    public static IEnumerable<TestCaseData> OptimReferences() =>
        ParityReference.All().Where(r => r.Section == "optim").Select(r => new TestCaseData(r).SetArgDisplayNames(r.ToString()));

    [TestCaseSource(nameof(OptimReferences))]
    public void MatchesPyTorch_StepByStep_ByTheParityRule(ParityReference reference)
    {
        // The rule the optim section's parity test holds TorchSharp's Adam to (PyTorchParityTests, k for Adam).
        var o = reference.Options;
        var result = Train(p => new FusedAdam(p, lr: o.Lr), new AdamSettings(o.Lr), o.ScalarType, o.Steps, o.Sizes, o.Seed);
        var verdict = BlasSpreadRule.Check(reference.Losses, reference.OpenBlasTwin().Losses, result.Losses, o.DType == "float64", BlasSpreadRule.AdamK);
        TestContext.Out.WriteLine($"{reference}: worst deviation / allowed {verdict.WorstRatio:F3} at step {verdict.WorstStep} " +
                                  $"(deviation {verdict.Deviation:E2}, allowed {verdict.Allowed:E2})");
        Assert.That(verdict.WorstRatio, Is.LessThanOrEqualTo(1), $"every step within its allowance (worst at step {verdict.WorstStep})");
    }

    [Test]
    public void StateIsAdams_AndResumesExactly()
    {
        // 300 steps in one go, against 150, the state handed to a new FusedAdam through Adam's state_dict, and 150 more.
        // The new optimizer's own step tensors start at 0: unless they follow the loaded step (150), the bias corrections
        // of step 151 would be those of step 1 and the update ten times too large.
        var uninterrupted = Train(p => new FusedAdam(p, lr: 1e-4), new AdamSettings(), ScalarType.Float32, 300).Losses;
        using var run = new ResumableRun();
        using (var first = new FusedAdam(run.Model.parameters(), lr: 1e-4))
        using (var second = new FusedAdam(run.Model.parameters(), lr: 1e-4))
        {
            run.Train(first, 150);
            var state = first.state_dict();
            Assert.That(state.State, Has.All.InstanceOf<Adam.State>());
            Assert.That(state.State.Cast<Adam.State>().Select(s => s.step), Has.All.EqualTo(150));
            second.load_state_dict(state);
            run.Train(second, 150);
            Assert.That(second.state_dict().State.Cast<Adam.State>().Select(s => s.step), Has.All.EqualTo(300));
        }

        Assert.That(run.Losses, Is.EqualTo(uninterrupted));
    }

    [Test]
    [Category("CUDA")]
    public void OnCuda_FollowsTheCpuRun_ToRoundOff()
    {
        var status = CudaStatus.Query();
        if (!status.IsAvailable)
        {
            Assert.Ignore($"No CUDA here (backend {status.Backend}, {status.DeviceCount} device(s)); build with -p:TorchBackend=cuda on a GPU machine to run this test.");
        }

        // The same float64 fit on both devices (the data made on the CPU, then moved), as in the comparisons above.
        var settings = new AdamSettings(AmsGrad: true, WeightDecay: 0.1);
        var cpu = Train(settings.Fused, settings, ScalarType.Float64, 100);
        var cuda = Train(settings.Fused, settings, ScalarType.Float64, 100, device: CUDA);
        Assert.That(WorstRelative(cpu.Losses, cuda.Losses).Worst, Is.LessThanOrEqualTo(Float64Tolerance));
    }

    [Test]
    public void NonContiguousParameters_AreUpdatedAsAdamUpdatesThem()
    {
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
            Assert.That(actual, Is.EqualTo(expected).Within(1e-5f));
            Assert.That(actual[2000..], Is.Not.EqualTo(transposedStart.t().contiguous().flatten().data<float>().ToArray()), "the transposed one moved");
        });
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

    /// <summary>The largest |a − e| / |e| over the steps (infinite for a non-finite loss), and its step.</summary>
    private static (double Worst, int Step) WorstRelative(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), "one loss per step");
        return Enumerable.Range(0, expected.Count).Select(t => (BlasSpreadRule.Relative(actual[t], expected[t]), t)).MaxBy(x => x.Item1);
    }

    /// <summary>The optim section's run (seed, data, model, MSELoss(sum)) with the given optimizer.</summary>
    private static readonly ConcurrentDictionary<(AdamSettings, bool), Lazy<(double[] Losses, double[] Weights)>> Float64Runs = new();

    /// <summary>
    /// The optim section's float64 run of <see cref="Steps"/> steps, with FusedAdam or TorchSharp's Adam, trained once per
    /// test run: <see cref="EachOption_ChangesTheTrajectory"/> compares the fused runs the float64 test makes.
    /// </summary>
    private static (double[] Losses, double[] Weights) Float64Run(AdamSettings settings, bool fused) =>
        Float64Runs.GetOrAdd((settings, fused), _ => new(() => Train(fused ? settings.Fused : settings.Unfused, settings, ScalarType.Float64, Steps))).Value;

    private static (double[] Losses, double[] Weights) Train(Func<IEnumerable<Parameter>, Adam> create, AdamSettings settings, ScalarType dtype, int steps,
        NetworkSizes? sizes = null, long seed = 0, Device? device = null)
    {
        var (N, D_in, H, D_out) = sizes ?? NetworkSizes.Tutorial;
        manual_seed(seed);
        using var x = randn(N, D_in, dtype: dtype).to(device ?? CPU);
        using var y = randn(N, D_out, dtype: dtype).to(device ?? CPU);
        using var model = nn.Sequential(nn.Linear(D_in, H, dtype: dtype), nn.ReLU(), nn.Linear(H, D_out, dtype: dtype)).to(device ?? CPU);
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
        using var flat = cat(model.parameters().Select(p => p.detach().flatten()).ToArray()).to(ScalarType.Float64).cpu();
        return (result.Losses.ToArray(), flat.data<double>().ToArray());
    }

    /// <summary>Adam's hyper-parameters for one test case.</summary>
    public sealed record AdamSettings(double Lr = 1e-4, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0,
        bool AmsGrad = false, bool Maximize = false)
    {
        public Adam Fused(IEnumerable<Parameter> parameters) => new FusedAdam(parameters, Lr, Beta1, Beta2, Eps, WeightDecay, AmsGrad, Maximize);

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
