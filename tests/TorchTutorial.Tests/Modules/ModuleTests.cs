using TorchTutorial.Modules;
using TorchTutorial.Python;
using TorchTutorial.Tests.Python;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Modules;

public sealed class ModuleTests
{
    [Test]
    public void TwoLayerNet_HasPyTorchsParameterNamesAndShapes()
    {
        using var model = new TwoLayerNet(1000, 100, 10);

        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.That(shapes, Is.EqualTo(new Dictionary<string, long[]>
        {
            ["linear1.weight"] = [100, 1000],
            ["linear1.bias"] = [100],
            ["linear2.weight"] = [10, 100],
            ["linear2.bias"] = [10],
        }));
    }

    [Test]
    public void TwoLayerNet_ForwardIsLinear2OfClampedLinear1()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new TwoLayerNet(6, 5, 2);
        using var reference = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2));
        reference.load_state_dict(new Dictionary<string, Tensor>
        {
            ["0.weight"] = model.get_parameter("linear1.weight")!,
            ["0.bias"] = model.get_parameter("linear1.bias")!,
            ["2.weight"] = model.get_parameter("linear2.weight")!,
            ["2.bias"] = model.get_parameter("linear2.bias")!,
        });
        var x = randn(4, 6);

        Assert.That(model.forward(x).allclose(reference.forward(x)), Is.True);
    }

    [Test]
    public void DynamicNet_DrawsItsDepthsAsTheScriptsRandomRandint0To3Does()
    {
        using var scope = NewDisposeScope();
        using var model = new DynamicNet(6, 5, 2, new PythonRandom(42));
        var x = randn(3, 6);
        long[] python = PythonRandomFixture.RandIntDraws(42, 0, 3);   // random.seed(42); [random.randint(0, 3) for ...]

        var depths = new List<long>();
        for (int i = 0; i < python.Length; i++)
        {
            model.forward(x);
            depths.Add(model.LastMiddleRepeats);
        }

        Assert.Multiple(() =>
        {
            Assert.That(depths, Is.EqualTo(python), "one random.randint(0, 3) per forward pass, in the script's order");
            Assert.That(depths.Distinct().Order(), Is.EqualTo(new long[] { 0, 1, 2, 3 }));
            Assert.That(model.parameters().Count(), Is.EqualTo(6), "three Linear layers, whatever the depth");
        });
    }

    [Test]
    public void DynamicNet_TheDrawnDepthIsTheOneTheForwardPassUses()
    {
        using var scope = NewDisposeScope();
        using var model = new DynamicNet(6, 5, 2, new PythonRandom(7));
        var x = randn(3, 6);

        for (int i = 0; i < 20; i++)
        {
            var drawn = model.forward(x);
            Assert.That(drawn.equal(model.forward(x, model.LastMiddleRepeats)).all().item<bool>(), Is.True, $"pass {i}");
        }
    }

    [Test]
    public void DynamicNet_AtAFixedDepth_IsDeterministic_AndDepthChangesTheOutput()
    {
        using var scope = NewDisposeScope();
        using var model = new DynamicNet(6, 5, 2);
        var x = randn(3, 6);

        Assert.Multiple(() =>
        {
            Assert.That(model.forward(x, 2).equal(model.forward(x, 2)).all().item<bool>(), Is.True);
            Assert.That(model.forward(x, 0).allclose(model.forward(x, 3)), Is.False);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.forward(x, -1));
        });
    }
}
