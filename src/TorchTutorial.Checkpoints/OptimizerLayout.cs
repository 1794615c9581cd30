using TorchSharp.Modules;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// How one TorchSharp optimizer class maps onto PyTorch's <c>optimizer.state_dict()</c> and onto TorchSharp's own
/// <c>save_state_dict</c> bytes: its hyperparameters, its per-parameter state, and the order TorchSharp writes them in.
/// </summary>
internal sealed class OptimizerLayout
{
    /// <summary>TorchSharp's class name, which its <c>save_state_dict</c> writes first: <c>SGD</c>, <c>Adam</c>, <c>AdamW</c>, <c>RMSProp</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The TorchSharp class.</summary>
    public required Type Type { get; init; }

    /// <summary>PyTorch's class name (<c>torch.optim.RMSprop</c> is spelled differently), for messages.</summary>
    public required string PyTorchName { get; init; }

    /// <summary>The hyperparameters besides <c>lr</c> and <c>initial_lr</c>, in PyTorch's order.</summary>
    public required IReadOnlyList<HyperParameterSpec> HyperParameters { get; init; }

    /// <summary>
    /// The order TorchSharp's <c>Options.SaveStateDict</c> writes the hyperparameters in, after <c>initial_lr</c> and
    /// <c>lr</c>; a pair's halves are <c>key.0</c> and <c>key.1</c>.
    /// </summary>
    public required IReadOnlyList<string> TorchSharpOptionOrder { get; init; }

    /// <summary>The per-parameter state, in the order TorchSharp's <c>State.SaveStateDict</c> writes it.</summary>
    public required IReadOnlyList<StateSpec> State { get; init; }

    /// <summary>PyTorch keeps <c>step</c> as a float32 0-d tensor for this optimizer (Adam, AdamW) rather than an int (RMSprop).</summary>
    public bool StepAsTensor { get; init; }

    /// <summary>
    /// False for a parameter group whose settings keep no per-parameter state at all (SGD without momentum), so a
    /// checkpoint has nothing of the optimizer's to carry; true for every other optimizer and setting.
    /// </summary>
    public Func<OptimizerOptions, bool> KeepsState { get; init; } = _ => true;

    /// <summary>The hyperparameter with this PyTorch key, or null.</summary>
    public HyperParameterSpec? FindHyperParameter(string key) => HyperParameters.FirstOrDefault(h => h.Key == key);

    /// <summary>The state entry with this PyTorch key, or null.</summary>
    public StateSpec? FindState(string key) => State.FirstOrDefault(s => s.Key == key);
}

/// <summary>The kinds of hyperparameter values.</summary>
internal enum HyperParameterKind
{
    /// <summary>A double (<c>momentum</c>, <c>eps</c>, ...).</summary>
    Number,

    /// <summary>A bool (<c>nesterov</c>, <c>amsgrad</c>, ...).</summary>
    Boolean,

    /// <summary>A pair of doubles (<c>betas</c>), a <c>double[2]</c>.</summary>
    Pair,
}

/// <summary>One hyperparameter: its PyTorch key and how to read and write it on TorchSharp's options object.</summary>
/// <param name="Key">PyTorch's key in the param group.</param>
/// <param name="Kind">The kind of value.</param>
/// <param name="Get">Reads it: a <see cref="double"/>, <see cref="bool"/> or <c>double[2]</c>.</param>
/// <param name="Set">Writes it (same types).</param>
internal sealed record HyperParameterSpec(string Key, HyperParameterKind Kind, Func<OptimizerOptions, object> Get, Action<OptimizerOptions, object> Set);

/// <summary>The kinds of per-parameter state.</summary>
internal enum StateKind
{
    /// <summary>The step count, a <see cref="long"/> in TorchSharp.</summary>
    Step,

    /// <summary>A tensor shaped like the parameter, or null.</summary>
    Tensor,
}

/// <summary>How TorchSharp's <c>State.SaveStateDict</c> encodes one state entry.</summary>
internal enum TorchSharpEncoding
{
    /// <summary><c>writer.Write(long)</c>.</summary>
    Int64,

    /// <summary><c>tensor.Save(writer)</c>; never null.</summary>
    Tensor,

    /// <summary>A bool, then <c>tensor.Save(writer)</c> when true (TorchSharp 0.107's <c>SaveConditionalStateTensor</c>).</summary>
    ConditionalTensor,
}

/// <summary>One per-parameter state entry.</summary>
/// <param name="Key">PyTorch's key (<c>momentum_buffer</c>, <c>step</c>, <c>exp_avg</c>, ...).</param>
/// <param name="Kind">Step or tensor.</param>
/// <param name="Encoding">How TorchSharp writes it.</param>
/// <param name="ZerosWhenAbsent">
/// For a tensor the file does not hold (PyTorch omits unused buffers and the state of never-stepped parameters):
/// true to zero it (TorchSharp preallocates it), false to set it to null (TorchSharp creates it on the first step).
/// </param>
/// <param name="Get">Reads it from TorchSharp's state object: a <see cref="long"/>, or a <c>Tensor</c> or null.</param>
/// <param name="Set">Writes it.</param>
internal sealed record StateSpec(
    string Key,
    StateKind Kind,
    TorchSharpEncoding Encoding,
    Func<OptimizerOptions, bool> ZerosWhenAbsent,
    Func<OptimizerState, object?> Get,
    Action<OptimizerState, object?> Set);
