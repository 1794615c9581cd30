using TorchSharp;
using TorchTutorial.Examples.Sections;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Sections;

public sealed class TensorsSectionTests
{
    [TestCase(ScalarType.Float32, 1e-4)]
    [TestCase(ScalarType.Float64, 1e-12)]
    public void HandWrittenGradients_EqualAutograds(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = randn(64, 1000, dtype: dtype);
        var y = randn(64, 10, dtype: dtype);
        var w1 = randn(1000, 100, dtype: dtype, requires_grad: true);
        var w2 = randn(100, 10, dtype: dtype, requires_grad: true);

        var (loss, grad_w1, grad_w2) = TensorsSection.ForwardAndBackward(x, y, w1.detach(), w2.detach());
        var autogradLoss = (x.mm(w1).clamp(min: 0).mm(w2) - y).pow(2).sum();
        autogradLoss.backward();

        Assert.Multiple(() =>
        {
            Assert.That(loss.ToDouble(), Is.EqualTo(autogradLoss.ToDouble()).Within(tolerance).Percent);
            Assert.That(grad_w1.allclose(w1.grad!, rtol: tolerance, atol: 0), Is.True, "grad_w1");
            Assert.That(grad_w2.allclose(w2.grad!, rtol: tolerance, atol: 0), Is.True, "grad_w2");
        });
    }
}
