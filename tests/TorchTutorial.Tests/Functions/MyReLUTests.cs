using TorchTutorial.Functions;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Functions;

public sealed class MyReLUTests
{
    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void Forward_EqualsTheBuiltInReLU(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var x = randn(7, 9, dtype: dtype);

        Assert.That(MyReLU.apply(x).equal(nn.functional.relu(x)).all().item<bool>(), Is.True);
    }

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void Backward_GivesTheBuiltInReLUsGradient(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var input = randn(16, 12, dtype: dtype);
        var upstream = randn(16, 12, dtype: dtype);

        var x1 = input.clone().requires_grad_(true);
        (MyReLU.apply(x1) * upstream).sum().backward();
        var x2 = input.clone().requires_grad_(true);
        (nn.functional.relu(x2) * upstream).sum().backward();

        Assert.That(x1.grad!.equal(x2.grad!).all().item<bool>(), Is.True);
    }

    [Test]
    public void Backward_ZeroesExactlyTheNegativeInputs()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -2.0f, -0.5f, 0.0f, 0.5f, 3.0f }).requires_grad_(true);

        MyReLU.apply(x).sum().backward();

        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 0f, 1f, 1f, 1f }));
    }

    [Test]
    public void Apply_WithTwoTensors_IsAClearError()
    {
        using var scope = NewDisposeScope();
        var x = ones(2);

        var error = Assert.Throws<ArgumentException>(() => MyReLU.apply(x, x));
        Assert.That(error!.Message, Does.Contain("exactly one tensor"));
    }
}
