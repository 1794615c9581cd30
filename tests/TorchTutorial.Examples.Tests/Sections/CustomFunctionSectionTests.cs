using TorchTutorial.Functions;

namespace TorchTutorial.Examples.Tests.Sections;

/// <summary>
/// The custom-Function sections train through the library's MyReLU and LegendrePolynomial3, every step: their
/// gradients equal autograd's, so only the Functions' call counts can tell.
/// </summary>
[NonParallelizable]
public sealed class CustomFunctionSectionTests
{
    [TestCase("custom-function", 7)]
    [TestCase("poly-custom-function", 7)]
    public void TheSection_TrainsThroughTheFunction_EveryStep(string section, int steps)
    {
        var calls = section == "custom-function" ? MyReLU.Calls : LegendrePolynomial3.Calls;
        var (forward, backward) = (calls.Forward, calls.Backward);

        SectionTestContext.Run(section, steps: steps, sizes: new Data.NetworkSizes(8, 12, 6, 3));

        Assert.Multiple(() =>
        {
            Assert.That(calls.Forward - forward, Is.EqualTo(steps), "forward calls");
            Assert.That(calls.Backward - backward, Is.EqualTo(steps), "backward calls");
        });
    }
}
