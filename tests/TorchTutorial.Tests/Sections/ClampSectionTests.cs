using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Sections;

public sealed class ClampSectionTests
{
    private static readonly float[] Input = [-2f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 3f];

    [Test]
    public void Examples_ClampBelow_Above_Both_AndIntoAnExistingTensor()
    {
        using var scope = NewDisposeScope();
        var input = tensor(Input);

        var results = ClampSection.Examples(input).ToDictionary(e => e.Expression, e => e.Result.data<float>().ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(results["torch.clamp(input, min=0)"], Is.EqualTo(new[] { 0f, 0f, 0f, 0f, 0.25f, 0.5f, 3f }));
            Assert.That(results["torch.clamp(input, max=0.5)"], Is.EqualTo(new[] { -2f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.5f }));
            Assert.That(results["torch.clamp(input, min=-0.5, max=0.5)"], Is.EqualTo(new[] { -0.5f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.5f }));
            Assert.That(results["torch.clamp(input, min=-0.5, max=0.5, out=out); out"], Is.EqualTo(new[] { -0.5f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.5f }));
            Assert.That(input.data<float>().ToArray(), Is.EqualTo(Input), "clamp must not modify its input");
        });
    }

    [Test]
    public void Run_PrintsTheInputAndEveryForm()
    {
        using var output = new StringWriter();

        var result = SectionTestContext.Run(new ClampSection(), output: output);

        Assert.Multiple(() =>
        {
            Assert.That(result.Training, Is.Null);
            Assert.That(output.ToString(), Does.Contain("input =").And.Contain("torch.clamp(input, min=0) =").And.Contain("out=out"));
        });
    }
}
