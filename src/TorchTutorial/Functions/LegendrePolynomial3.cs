using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace TorchTutorial.Functions;

/// <summary>
/// The current tutorial's custom autograd Function: the Legendre polynomial of degree three,
/// P3(x) = ½(5x³ − 3x), with a hand-written backward pass, P3′(x) = 1.5(5x² − 1).
/// Use it as in Python: <c>var P3 = LegendrePolynomial3.apply; P3(c + d * x)</c>.
/// </summary>
/// <remarks>
/// forward saves its input and returns <c>0.5 * (5 * input ** 3 - 3 * input)</c>; backward returns
/// <c>grad_output * 1.5 * (5 * input ** 2 - 1)</c>, the operations in the script's order so that the float32 results
/// round as PyTorch's do.
/// </remarks>
public sealed class LegendrePolynomial3 : SingleTensorFunction<LegendrePolynomial3>
{
    /// <inheritdoc />
    public override string Name => nameof(LegendrePolynomial3);

    /// <summary>How often this Function's forward and backward have run in this process.</summary>
    internal static FunctionCalls Calls { get; } = new();

    /// <summary>Receives the input tensor, stashes it for backward and returns P3 of it, element by element.</summary>
    /// <param name="ctx">The context that carries the saved input to <see cref="backward"/>.</param>
    /// <param name="vars">One tensor: the input.</param>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (vars is not [Tensor input])
        {
            throw new ArgumentException($"{nameof(LegendrePolynomial3)} takes exactly one tensor, got {vars?.Length ?? 0} argument(s).", nameof(vars));
        }

        Calls.CountForward();
        ctx.save_for_backward([input]);
        return 0.5 * (5 * input.pow(3) - 3 * input);
    }

    /// <summary>Receives the gradient of the loss with respect to the output and returns it with respect to the input.</summary>
    /// <param name="ctx">The context holding the input saved by <see cref="forward"/>.</param>
    /// <param name="grad_output">The gradient of the loss with respect to the output.</param>
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Calls.CountBackward();
        var input = ctx.get_saved_variables()[0];
        return [grad_output * 1.5 * (5 * input.pow(2) - 1)];
    }
}
