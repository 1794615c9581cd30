using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Sections;

public sealed class StaticGraphSectionTests
{
    [Test]
    public void CompiledForward_EqualsEagerForward()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(16, 40);
        var w1 = randn(40, 12);
        var w2 = randn(12, 4);
        using var graph = jit.compile(StaticGraphSection.Source);

        Assert.That(StaticGraphSection.SameOutputs(graph, x, w1, w2), Is.True);
    }

    [Test]
    public void Run_TrainsTheCompiledGraph_AndTheEagerGraphToTheSameLosses()
    {
        var result = SectionTestContext.Run(new StaticGraphSection(), steps: 100, sizes: new NetworkSizes(16, 40, 12, 4));

        Assert.Multiple(() =>
        {
            Assert.That(result.Training!.StepsCompleted, Is.EqualTo(100));
            Assert.That(result.Notes, Has.Some.Contains("identical"));
            Assert.That(result.Notes, Has.Some.Contains("TorchScript").And.Some.Contains("eager"));
            string deviation = result.Notes.Single(n => n.StartsWith("largest relative difference", StringComparison.Ordinal)).Split(": ")[1];
            Assert.That(double.Parse(deviation, System.Globalization.CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(1e-5));
        });
    }
}
