using TorchTutorial.Functions;
using static TorchSharp.torch;

namespace TorchTutorial.Tests.Functions;

/// <summary>
/// The custom Functions' gradients equal autograd's gradient of the same formula, so no loss can tell whether a
/// computation went through MyReLU or LegendrePolynomial3 at all. These tests count their forward and backward calls:
/// they fail when <c>apply</c> goes around the Function (the sections: the workbench's CustomFunctionSectionTests).
/// </summary>
[NonParallelizable]
public sealed class CustomFunctionsRunTests
{
    [Test]
    public void MyReLU_Apply_RunsItsOwnForwardAndBackward_OncePerCall()
    {
        using var scope = NewDisposeScope();
        var x = randn(5, 3).requires_grad_(true);
        var (forward, backward) = (MyReLU.Calls.Forward, MyReLU.Calls.Backward);

        MyReLU.apply(x).sum().backward();

        Assert.Multiple(() =>
        {
            Assert.That(MyReLU.Calls.Forward - forward, Is.EqualTo(1));
            Assert.That(MyReLU.Calls.Backward - backward, Is.EqualTo(1));
        });
    }

    [Test]
    public void LegendrePolynomial3_Apply_RunsItsOwnForwardAndBackward_OncePerCall()
    {
        using var scope = NewDisposeScope();
        var x = randn(5, 3).requires_grad_(true);
        var (forward, backward) = (LegendrePolynomial3.Calls.Forward, LegendrePolynomial3.Calls.Backward);

        LegendrePolynomial3.apply(x).sum().backward();

        Assert.Multiple(() =>
        {
            Assert.That(LegendrePolynomial3.Calls.Forward - forward, Is.EqualTo(1));
            Assert.That(LegendrePolynomial3.Calls.Backward - backward, Is.EqualTo(1));
        });
    }

    [Test]
    public void MyReLU_Backward_IsItsOwnRule_NotClampsGradient()
    {
        // grad_input[input < 0] = 0 lets the gradient through wherever the input is not below zero, NaN included;
        // autograd's clamp(min=0) and relu send none through a NaN.
        using var scope = NewDisposeScope();
        var x = tensor(new[] { float.NaN, -1f, 2f }).requires_grad_(true);

        MyReLU.apply(x).sum().backward();

        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 0f, 1f }));
    }
}
