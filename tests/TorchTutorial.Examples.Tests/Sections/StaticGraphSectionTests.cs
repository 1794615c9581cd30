using TorchTutorial.Data;
using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Tests.Sections;

public sealed class StaticGraphSectionTests
{
    private static readonly NetworkSizes Small = new(16, 40, 12, 4);

    [Test]
    public void CompiledForward_EqualsEagerForward()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(16, 40);
        var y = randn(16, 4);
        var w1 = randn(40, 12);
        var w2 = randn(12, 4);
        using var graph = jit.compile(StaticGraphSection.Source);

        Assert.Multiple(() =>
        {
            Assert.That(graph.invoke<Tensor>("predict", x, w1, w2).equal(x.mm(w1).clamp(min: 0).mm(w2)).all().item<bool>(), Is.True);
            Assert.That(graph.invoke<Tensor>("loss_fn", x, y, w1, w2).item<float>(), Is.EqualTo((x.mm(w1).clamp(min: 0).mm(w2) - y).pow(2).sum().item<float>()));
        });
    }

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void TheCompiledGraph_TrainsToTheAutogradSectionsLosses_Exactly(ScalarType dtype)
    {
        // Same seed, same draws in the same order, same operations: the graph built once computes what the eager
        // autograd script computes, bit for bit.
        var compiled = SectionTestContext.Run("static-graph", steps: 100, sizes: Small, dtype: dtype);
        var autograd = SectionTestContext.Run("autograd", steps: 100, sizes: Small, dtype: dtype).Training!;

        Assert.Multiple(() =>
        {
            Assert.That(compiled.Training!.Losses, Is.EqualTo(autograd.Losses));
            Assert.That(compiled.Notes, Has.Some.Contains("identical"));
            Assert.That(compiled.Notes, Has.Some.Contains("TorchScript").And.Some.Contains("eager"));
        });
    }
}
