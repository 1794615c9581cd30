using TorchTutorial.Functions;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Functions;

public sealed class LegendrePolynomial3Tests
{
    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void Forward_IsHalfOf5xCubedMinus3x(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var x = randn(7, 9, dtype: dtype);

        var expected = 0.5 * (5 * x.pow(3) - 3 * x);

        Assert.That(LegendrePolynomial3.apply(x).equal(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void Forward_HasTheLegendreValues()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -1.0, 0.0, 0.5, 1.0 });

        // P3(±1) = ±1, P3(0) = 0, P3(1/2) = (5/8 − 3/2) / 2 = −7/16.
        Assert.That(LegendrePolynomial3.apply(x).data<double>().ToArray(), Is.EqualTo(new[] { -1.0, 0.0, -0.4375, 1.0 }));
    }

    [TestCase(ScalarType.Float32, 1e-6)]
    [TestCase(ScalarType.Float64, 1e-14)]
    public void Backward_EqualsAutogradOfTheFormula(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var input = randn(16, 12, dtype: dtype);
        var upstream = randn(16, 12, dtype: dtype);

        var x1 = input.clone().requires_grad_(true);
        (LegendrePolynomial3.apply(x1) * upstream).sum().backward();
        var x2 = input.clone().requires_grad_(true);
        (0.5 * (5 * x2.pow(3) - 3 * x2) * upstream).sum().backward();

        Assert.That(x1.grad!.allclose(x2.grad!, rtol: tolerance, atol: tolerance), Is.True);
    }

    [Test]
    public void Backward_Is1Point5Times5xSquaredMinus1()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -2.0, 0.0, 0.5, 1.0 }).requires_grad_(true);

        LegendrePolynomial3.apply(x).sum().backward();

        // P3'(x) = 1.5 (5x² − 1): 28.5, −1.5, 0.375, 6.
        Assert.That(x.grad!.data<double>().ToArray(), Is.EqualTo(new[] { 28.5, -1.5, 0.375, 6.0 }));
    }

    [Test]
    public void Apply_WithTwoTensors_IsAClearError()
    {
        using var scope = NewDisposeScope();
        var x = ones(2);

        var error = Assert.Throws<ArgumentException>(() => LegendrePolynomial3.apply(x, x));
        Assert.That(error!.Message, Does.Contain("exactly one tensor"));
    }
}
