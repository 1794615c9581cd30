using System.Globalization;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Tests.Sections;

public sealed class ClampSectionTests
{
    [Test]
    public void Run_PrintsTheInput_AndEachClampOfIt()
    {
        using var output = new StringWriter();

        var result = SectionTestContext.Run("clamp", output: output, seed: 3);

        // What each form must print: the same draw (seed 3), clamped here by the test.
        using var scope = NewDisposeScope();
        manual_seed(3);
        var input = randn(2, 4);
        string Show(Tensor t) => t.ToString(TorchSharp.TensorStringStyle.Numpy, fltFormat: "0.0000", cultureInfo: CultureInfo.InvariantCulture);
        string expected = string.Join(Environment.NewLine,
            "input =", Show(input), "",
            "torch.clamp(input, min=0) =", Show(input.clamp(min: 0)), "",
            "torch.clamp(input, max=0.5) =", Show(input.clamp(max: 0.5)), "",
            "torch.clamp(input, min=-0.5, max=0.5) =", Show(input.clamp(min: -0.5, max: 0.5)), "",
            "torch.clamp(input, min=-0.5, max=0.5, out=out); out =", Show(input.clamp(min: -0.5, max: 0.5)), "");

        Assert.Multiple(() =>
        {
            Assert.That(result.Training, Is.Null);
            Assert.That(output.ToString(), Is.EqualTo(expected));
            Assert.That(input.min().item<float>(), Is.LessThan(-0.5f), "the draw has entries below min");
            Assert.That(input.max().item<float>(), Is.GreaterThan(0.5f), "and above max");
        });
    }
}
