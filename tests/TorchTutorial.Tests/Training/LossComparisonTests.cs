using TorchTutorial.Training;

namespace TorchTutorial.Tests.Training;

/// <summary>The parity oracle <see cref="LossComparison"/> on trajectories whose answers are known.</summary>
public sealed class LossComparisonTests
{
    private static readonly double[] Reference = [1000, 500, 250, 100, 40];

    [Test]
    public void IdenticalTrajectories_DeviateByZero_AtNoStep()
    {
        var deviation = LossComparison.Compare(Reference, Reference.ToArray());

        Assert.That(deviation, Is.EqualTo(new LossDeviation(0, -1, 5, 5)));
    }

    [Test]
    public void AKnownDeviation_IsReportedWithItsStep()
    {
        double[] actual = [1000, 500, 252.5, 100.5, 40];   // 1% at step 2, 0.5% at step 3

        var deviation = LossComparison.Compare(Reference, actual);

        Assert.Multiple(() =>
        {
            Assert.That(deviation.Worst, Is.EqualTo(0.01).Within(1e-12));
            Assert.That(deviation.WorstStep, Is.EqualTo(2));
            Assert.That(deviation.StepsCompared, Is.EqualTo(5));
        });
    }

    [Test]
    public void TheDeviationIsRelativeToTheReference_NotToTheRun()
    {
        var deviation = LossComparison.Compare([100.0], [150.0]);

        Assert.That(deviation.Worst, Is.EqualTo(0.5).Within(1e-12), "|150 - 100| / 100, not / 150");
    }

    [Test]
    public void StepsBelowTheFloor_AreNotCompared()
    {
        double[] reference = [1e8, 1e3, 5, 1e-3];            // floor 1e-7: 10; steps 2 and 3 are below it
        double[] actual = [1e8, 1.01e3, 50, 1];

        var byDefault = LossComparison.Compare(reference, actual);
        var withoutFloor = LossComparison.Compare(reference, actual, floor: 0);

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.StepsCompared, Is.EqualTo(2));
            Assert.That(byDefault.StepsInReference, Is.EqualTo(4));
            Assert.That(byDefault.Worst, Is.EqualTo(0.01).Within(1e-12));
            Assert.That(byDefault.WorstStep, Is.EqualTo(1));
            Assert.That(withoutFloor.StepsCompared, Is.EqualTo(4));
            Assert.That(withoutFloor.Worst, Is.EqualTo(999).Within(1e-9));
            Assert.That(withoutFloor.WorstStep, Is.EqualTo(3));
        });
    }

    [Test]
    public void TheFloorIsRelativeToTheFirstLoss_AndAStepExactlyOnItIsSkipped()
    {
        double[] reference = [1024, 256, 512, 300];            // floor 0.25 × 1024 = 256, exactly
        double[] actual = [1024, 1, 512, 330];

        var deviation = LossComparison.Compare(reference, actual, floor: 0.25);

        Assert.Multiple(() =>
        {
            Assert.That(deviation.StepsCompared, Is.EqualTo(3));
            Assert.That(deviation.Worst, Is.EqualTo(0.1).Within(1e-12));
            Assert.That(deviation.WorstStep, Is.EqualTo(3));
        });
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void ANonFiniteLoss_IsAnInfiniteDeviation_AtItsStep(double bad)
    {
        double[] actual = [1000, 500, bad, 100, 40];

        var deviation = LossComparison.Compare(Reference, actual);

        Assert.Multiple(() =>
        {
            Assert.That(deviation.Worst, Is.EqualTo(double.PositiveInfinity));
            Assert.That(deviation.WorstStep, Is.EqualTo(2));
        });
    }

    [Test]
    public void ANaNAfterALargerDeviation_StillWins()
    {
        double[] actual = [2000, 500, double.NaN, 100, 40];   // 100% at step 0, then NaN

        var deviation = LossComparison.Compare(Reference, actual);

        Assert.Multiple(() =>
        {
            Assert.That(deviation.Worst, Is.EqualTo(double.PositiveInfinity));
            Assert.That(deviation.WorstStep, Is.EqualTo(2));
        });
    }

    [Test]
    public void DifferentStepSets_AreRejected_NamingTheSteps()
    {
        var reference = new Dictionary<int, double> { [99] = 10, [199] = 5, [299] = 2 };
        var actual = new Dictionary<int, double> { [99] = 10, [199] = 5, [399] = 1 };

        Assert.Multiple(() =>
        {
            Assert.That(() => LossComparison.Compare(reference, actual),
                Throws.ArgumentException.With.Message.Contains("the run has no step 299").And.Message.Contains("the reference has no step 399"));
            Assert.That(() => LossComparison.Compare(Reference, Reference[..3]),
                Throws.ArgumentException.With.Message.Contains("the run has no step 3, 4"));
        });
    }

    [Test]
    public void EmptyInputs_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => LossComparison.Compare(Array.Empty<double>(), Array.Empty<double>()),
                Throws.ArgumentException.With.Message.Contains("no steps"));
            Assert.That(() => LossComparison.Compare(null!, Reference), Throws.ArgumentNullException);
            Assert.That(() => LossComparison.Compare(Reference, null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public void AReferenceWithNoStepAboveTheFloor_IsRejected_NotPassed()
    {
        double[] zeros = [0, 0, 0];

        Assert.That(() => LossComparison.Compare(zeros, [1.0, 2.0, 3.0]),
            Throws.ArgumentException.With.Message.Contains("no step above the floor"));
    }
}
