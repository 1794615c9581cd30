using TorchSharp;
using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;

namespace TorchTutorial.Examples.Tests.Sections;

public sealed class SectionLearningTests
{
    // The polynomial sections fit sin, whose loss has a floor: PolySectionTests.EveryPolySection_FitsTheSine_AtItsDefaults.
    [TestCaseSource(typeof(SectionTestContext), nameof(SectionTestContext.TwoLayerTrainingSections))]
    public void EveryTrainingSection_LearnsByOrdersOfMagnitude_AtItsDefaults(TutorialSection section)
    {
        var result = SectionTestContext.Run(section).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(result.StepsCompleted, Is.EqualTo(500));
            Assert.That(result.Losses.All(double.IsFinite), Is.True);
            // DynamicNet's depth changes every step, so its loss is noisy; the others fall by far more.
            Assert.That(result.FinalLoss, Is.LessThan(result.FirstLoss * (section.Name == "dynamic" ? 1e-2 : 1e-4)));
        });
    }

    [TestCaseSource(typeof(SectionTestContext), nameof(SectionTestContext.TrainingSections))]
    public void EverySection_ReleasesEveryTensorItCreated(TutorialSection section)
    {
        var sizes = new NetworkSizes(16, 40, 12, 4);
        SectionTestContext.Run(section, steps: 3, sizes: sizes);   // warm-up: one-time caches

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        SectionTestContext.Run(section, steps: 50, sizes: sizes);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.That(after, Is.EqualTo(before), $"{section.Name} left {after - before} live tensor(s) behind");
    }

    [Test]
    public void SameSeed_SameLosses_OtherSeed_OtherLosses()
    {
        var sizes = new NetworkSizes(16, 40, 12, 4);
        var a = SectionTestContext.Run("nn", steps: 20, sizes: sizes, seed: 5).Training!;
        var b = SectionTestContext.Run("nn", steps: 20, sizes: sizes, seed: 5).Training!;
        var c = SectionTestContext.Run("nn", steps: 20, sizes: sizes, seed: 6).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(b.Losses, Is.EqualTo(a.Losses));
            Assert.That(c.Losses, Is.Not.EqualTo(a.Losses));
        });
    }
}
