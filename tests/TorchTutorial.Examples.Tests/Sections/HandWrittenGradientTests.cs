using static TorchSharp.torch;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>
/// The section that writes the backward pass by hand (tensors) follows the same trajectory as its autograd twin from the
/// same seed: any wrong hand-written gradient moves the weights elsewhere.
/// </summary>
public sealed class HandWrittenGradientTests
{
    [TestCase("tensors", "autograd", ScalarType.Float64, 1e-12)]
    [TestCase("tensors", "autograd", ScalarType.Float32, 1e-6)]
    // poly-tensor against poly-autograd-sin: PolySectionTests.PolyTensor_AutogradAndModule_FollowTheSameTrajectory.
    public void HandWrittenBackward_TrainsLikeAutograd(string byHand, string byAutograd, ScalarType dtype, double tolerance)
    {
        var hand = SectionTestContext.Run(byHand, steps: 100, dtype: dtype).Training!;
        var auto = SectionTestContext.Run(byAutograd, steps: 100, dtype: dtype).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(hand.Losses[0], Is.EqualTo(auto.Losses[0]), "the same forward pass from the same draws");
            Assert.That(hand.FinalLoss, Is.LessThan(hand.FirstLoss * 1e-3), "the run learns, so the comparison means something");
            for (int t = 0; t < hand.StepsCompleted; t++)
            {
                Assert.That(hand.Losses[t], Is.EqualTo(auto.Losses[t]).Within(tolerance * Math.Abs(auto.Losses[t])), $"step {t}");
            }
        });
    }
}
