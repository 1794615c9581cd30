using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace TorchTutorial.Functions;

/// <summary>
/// The tutorial's custom autograd Function: ReLU with a hand-written backward pass.
/// Use it as in Python: <c>MyReLU.apply(x)</c>.
/// </summary>
/// <remarks>
/// forward saves its input and returns <c>input.clamp(min=0)</c>; backward returns the incoming gradient with
/// the entries where the input was negative set to zero.
/// </remarks>
public sealed class MyReLU : SingleTensorFunction<MyReLU>
{
    /// <inheritdoc />
    public override string Name => nameof(MyReLU);

    /// <summary>How often this Function's forward and backward have run in this process.</summary>
    internal static FunctionCalls Calls { get; } = new();

    /// <summary>Receives the input tensor, stashes it for backward and returns its positive part.</summary>
    /// <param name="ctx">The context that carries the saved input to <see cref="backward"/>.</param>
    /// <param name="vars">One tensor: the input.</param>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (vars is not [Tensor input])
        {
            throw new ArgumentException($"{nameof(MyReLU)} takes exactly one tensor, got {vars?.Length ?? 0} argument(s).", nameof(vars));
        }

        Calls.CountForward();
        ctx.save_for_backward([input]);
        return input.clamp(min: 0);
    }

    /// <summary>Receives the gradient of the loss with respect to the output and returns it with respect to the input.</summary>
    /// <param name="ctx">The context holding the input saved by <see cref="forward"/>.</param>
    /// <param name="grad_output">The gradient of the loss with respect to the output.</param>
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Calls.CountBackward();
        var input = ctx.get_saved_variables()[0];
        var grad_input = grad_output.clone();
        grad_input.masked_fill_(input < 0, 0);   // grad_input[input < 0] = 0
        return [grad_input];
    }
}
