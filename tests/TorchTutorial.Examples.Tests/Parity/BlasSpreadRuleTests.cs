namespace TorchTutorial.Examples.Tests.Parity;

/// <summary>The per-step tolerance <see cref="BlasSpreadRule"/> on made-up trajectories whose answers are known.</summary>
public sealed class BlasSpreadRuleTests
{
    // A float32-like run: the loss falls by 1e9, so the last steps are below the old floor (1e-7 of the first).
    private static double[] Falling(int steps) => Enumerable.Range(0, steps).Select(t => 1e6 * Math.Pow(1e-9, t / (steps - 1.0))).ToArray();

    private static double[] Scaled(double[] losses, Func<int, double> relative) => losses.Select((l, t) => l * (1 + relative(t))).ToArray();

    [Test]
    public void IdenticalTrajectories_HaveRatioZero_AndEveryStepIsCompared()
    {
        var reference = Falling(200);

        var verdict = BlasSpreadRule.Check(reference, reference, reference, float64: false);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.WorstRatio, Is.Zero);
            Assert.That(verdict.WorstStep, Is.EqualTo(-1));
            Assert.That(verdict.StepsCompared, Is.EqualTo(200));
            Assert.That(verdict.StepsComparedBefore, Is.EqualTo(Enumerable.Range(0, 200).Count(t => reference[t] > 1e6 * 1e-7)));
            Assert.That(verdict.StepsComparedBefore, Is.LessThan(200), "the made-up run reaches below the old floor");
        });
    }

    [Test]
    public void WhereTheBlasRunsAgree_TheFloorIsTheAllowance()
    {
        var reference = Falling(200);
        var actual = Scaled(reference, t => t == 50 ? 3 * BlasSpreadRule.Float32Floor : 0);

        var verdict = BlasSpreadRule.Check(reference, reference, actual, float64: false);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.WorstStep, Is.EqualTo(50));
            Assert.That(verdict.Allowed, Is.EqualTo(BlasSpreadRule.Float32Floor));
            Assert.That(verdict.WorstRatio, Is.EqualTo(3).Within(1e-6));
            Assert.That(verdict.Passes, Is.False);
        });
    }

    [Test]
    public void TheAllowanceIsKTimesTheSpreadSoFar_NotJustAtThatStep()
    {
        var reference = Falling(400);
        // OpenBLAS parts by 1e-2 at step 300 only; the port deviates by 5e-2 at step 350 (below the old floor).
        var openBlas = Scaled(reference, t => t == 300 ? 1e-2 : 0);
        var actual = Scaled(reference, t => t == 350 ? 5e-2 : 0);

        var verdict = BlasSpreadRule.Check(reference, openBlas, actual, float64: false);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.WorstStep, Is.EqualTo(350));
            Assert.That(verdict.Allowed, Is.EqualTo(BlasSpreadRule.K * 1e-2).Within(1e-9));
            Assert.That(verdict.WorstRatio, Is.EqualTo(5e-2 / (BlasSpreadRule.K * 1e-2)).Within(1e-6));
            Assert.That(BlasSpreadRule.Check(reference, openBlas, actual, float64: false, k: 4).WorstRatio, Is.EqualTo(5e-2 / 4e-2).Within(1e-6),
                "k is the multiple");
            Assert.That(BlasSpreadRule.Check(reference, reference, actual, float64: false).Passes, Is.False, "without the spread, the floor");
        });
    }

    [TestCase(false, 10, 1e-4)]
    [TestCase(false, 150, 1e-3)]
    [TestCase(true, 10, 1e-10)]
    [TestCase(true, 150, 1e-10)]
    public void AboveTheOldFloor_TheOldBoundsCapTheAllowance(bool float64, int step, double cap)
    {
        var reference = Falling(400);
        var openBlas = Scaled(reference, t => 0.5);          // a huge spread: k × spread would allow anything
        var actual = Scaled(reference, t => t == step ? 2 * cap : 0);

        var verdict = BlasSpreadRule.Check(reference, openBlas, actual, float64);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.WorstStep, Is.EqualTo(step));
            Assert.That(verdict.Allowed, Is.EqualTo(cap));
            Assert.That(verdict.WorstRatio, Is.EqualTo(2).Within(1e-5));
            Assert.That(BlasSpreadRule.Check(reference, openBlas, actual, float64, cappedSteps: step).Passes, Is.True,
                "past the capped steps, only the spread rule");
        });
    }

    [Test]
    public void BelowTheOldFloor_OnlyTheRuleApplies()
    {
        var reference = Falling(400);
        var openBlas = Scaled(reference, t => 0.05);
        var actual = Scaled(reference, t => t == 399 ? 0.2 : 0);   // reference[399] is 1e-3, far below 1e-7 × 1e6

        var verdict = BlasSpreadRule.Check(reference, openBlas, actual, float64: false);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Allowed, Is.EqualTo(BlasSpreadRule.K * 0.05).Within(1e-9));
            Assert.That(verdict.WorstRatio, Is.EqualTo(0.2 / (BlasSpreadRule.K * 0.05)).Within(1e-6));
        });
    }

    [Test]
    public void TheFloat64Floor_IsTheFloat64One()
    {
        var reference = Falling(200);
        var actual = Scaled(reference, t => t == 20 ? 1e-14 : 0);

        Assert.Multiple(() =>
        {
            Assert.That(BlasSpreadRule.Check(reference, reference, actual, float64: true).Allowed, Is.EqualTo(BlasSpreadRule.Float64Floor));
            Assert.That(BlasSpreadRule.Check(reference, reference, actual, float64: true).WorstRatio, Is.EqualTo(1e-14 / BlasSpreadRule.Float64Floor).Within(1e-3));
        });
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void ANonFiniteLoss_FailsAtItsStep(double bad)
    {
        var reference = Falling(200);
        var actual = reference.ToArray();
        actual[120] = bad;

        var verdict = BlasSpreadRule.Check(reference, reference, actual, float64: false);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.WorstRatio, Is.EqualTo(double.PositiveInfinity));
            Assert.That(verdict.WorstStep, Is.EqualTo(120));
            Assert.That(verdict.Passes, Is.False);
        });
    }

    [Test]
    public void DifferentLengths_EmptyRuns_AndNonFiniteReferences_AreRejected()
    {
        var reference = Falling(10);
        var withNaN = reference.ToArray();
        withNaN[3] = double.NaN;

        Assert.Multiple(() =>
        {
            Assert.That(() => BlasSpreadRule.Check(reference, reference, reference[..9], float64: false),
                Throws.ArgumentException.With.Message.Contains("actual 9"));
            Assert.That(() => BlasSpreadRule.Check([], [], [], float64: false), Throws.ArgumentException.With.Message.Contains("no steps"));
            Assert.That(() => BlasSpreadRule.Check(reference, withNaN, reference, float64: false), Throws.ArgumentException.With.Message.Contains("non-finite"));
        });
    }
}
