using TorchSharp;
using TorchTutorial.Functions;
using TorchTutorial.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Parity;

/// <summary>
/// Gradients checked against central finite differences in float64: MyReLU's and LegendrePolynomial3's backward,
/// TwoLayerNet's, DynamicNet's, Polynomial3's and DynamicPolynomial's autograd gradients. (The hand-written gradients of
/// the tensors and poly-tensor sections are held to autograd's by their trajectories: HandWrittenGradientTests.)
/// </summary>
[Category("Parity")]
public sealed class GradientCheckTests
{
    private const double Step = 1e-6;
    private const double Tolerance = 1e-6;

    [Test]
    public void MyReLU_BackwardMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        // Keep inputs away from 0, where ReLU has no derivative.
        var x = randn(6, 5, dtype: float64);
        x = (x + x.sign() * 0.1).requires_grad_(true);
        var upstream = randn(6, 5, dtype: float64);
        Func<Tensor> loss = () => (MyReLU.apply(x) * upstream).sum();

        loss().backward();

        AssertMatchesFiniteDifferences(loss, x, x.grad!);
    }

    [Test]
    public void TwoLayerNet_GradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        using var model = new TwoLayerNet(7, 5, 3, dtype: float64);
        var x = randn(4, 7, dtype: float64);
        var y = randn(4, 3, dtype: float64);
        Func<Tensor> loss = () => (model.forward(x) - y).pow(2).sum();

        loss().backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            AssertMatchesFiniteDifferences(loss, parameter, parameter.grad!, name);
        }
    }

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(3)]
    public void DynamicNet_AtAFixedDepth_GradientsMatchFiniteDifferences(int depth)
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        using var model = new DynamicNet(7, 5, 3, dtype: float64);
        var x = randn(4, 7, dtype: float64);
        var y = randn(4, 3, dtype: float64);
        Func<Tensor> loss = () => (model.forward(x, depth) - y).pow(2).sum();

        loss().backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            // At depth 0 the middle layer takes no part: no gradient, and the finite differences must be zero too.
            AssertMatchesFiniteDifferences(loss, parameter, parameter.grad ?? zeros_like(parameter), name);
        }
    }

    [Test]
    public void LegendrePolynomial3_BackwardMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(15);
        var x = randn(6, 5, dtype: float64).requires_grad_(true);
        var upstream = randn(6, 5, dtype: float64);
        Func<Tensor> loss = () => (LegendrePolynomial3.apply(x) * upstream).sum();

        loss().backward();

        AssertMatchesFiniteDifferences(loss, x, x.grad!);
    }

    [Test]
    public void PolyCustomFunction_ModelGradientsMatchFiniteDifferences()
    {
        // y = a + b * P3(c + d * x) on a few points of the sine, from the script's starting weights.
        using var scope = NewDisposeScope();
        var x = linspace(-Math.PI, Math.PI, 9, dtype: float64);
        var y = sin(x);
        var weights = new[] { 0.0, -1.0, 0.0, 0.3 }.Select(w => full([], w, dtype: float64, requires_grad: true)).ToArray();
        var (a, b, c, d) = (weights[0], weights[1], weights[2], weights[3]);
        Func<Tensor> loss = () => (a + b * LegendrePolynomial3.apply(c + d * x) - y).pow(2).sum();

        loss().backward();

        foreach (var (name, weight) in new[] { "a", "b", "c", "d" }.Zip(weights))
        {
            AssertMatchesFiniteDifferences(loss, weight, weight.grad!, name);
        }
    }

    [Test]
    public void Polynomial3_GradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(16);
        using var model = new Polynomial3(dtype: float64);
        var x = linspace(-Math.PI, Math.PI, 11, dtype: float64);
        var y = sin(x);
        Func<Tensor> loss = () => (model.forward(x) - y).pow(2).sum();

        loss().backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            AssertMatchesFiniteDifferences(loss, parameter, parameter.grad!, name);
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void DynamicPolynomial_AtAFixedNumberOfTerms_GradientsMatchFiniteDifferences(int extraTerms)
    {
        using var scope = NewDisposeScope();
        manual_seed(17);
        using var model = new DynamicPolynomial(dtype: float64);
        var x = linspace(-1.5, 1.5, 11, dtype: float64);
        var y = sin(x);
        Func<Tensor> loss = () => (model.forward(x, extraTerms) - y).pow(2).sum();

        loss().backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            // With no extra term e takes no part: no gradient, and the finite differences must be zero too.
            AssertMatchesFiniteDifferences(loss, parameter, parameter.grad ?? zeros_like(parameter), name);
        }
    }

    /// <summary>Perturbs every element of <paramref name="parameter"/> by ±h and compares (f(+h) − f(−h)) / 2h with the gradient.</summary>
    private static void AssertMatchesFiniteDifferences(Func<Tensor> loss, Tensor parameter, Tensor gradient, string name = "x")
    {
        using var _ = no_grad();
        var flat = parameter.view(-1);
        var expected = gradient.reshape(-1).data<double>().ToArray();
        double worst = 0;
        for (long i = 0; i < flat.shape[0]; i++)
        {
            using var inner = NewDisposeScope();
            double original = flat[i].ToDouble();
            flat[i] = tensor(original + Step, float64);
            double plus = loss().ToDouble();
            flat[i] = tensor(original - Step, float64);
            double minus = loss().ToDouble();
            flat[i] = tensor(original, float64);
            double numeric = (plus - minus) / (2 * Step);
            worst = Math.Max(worst, Math.Abs(numeric - expected[i]) / Math.Max(1.0, Math.Abs(expected[i])));
        }

        TestContext.Out.WriteLine($"{name}: worst |finite difference - gradient| / max(1, |gradient|) = {worst:E2}");
        Assert.That(worst, Is.LessThan(Tolerance), name);
    }
}
