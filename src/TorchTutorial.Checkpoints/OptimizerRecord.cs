namespace TorchTutorial.Checkpoints;

/// <summary>
/// An optimizer's state in PyTorch's terms, independent of the file format: parameter groups with their
/// hyperparameters (<c>lr</c>, <c>momentum</c>, <c>betas</c>, ...) and, per parameter, its state
/// (<c>momentum_buffer</c>, <c>step</c>, <c>exp_avg</c>, ...).
/// </summary>
/// <remarks>
/// Values are <see cref="double"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="TensorRecord"/>,
/// <c>double[]</c> (a tuple such as <c>betas</c>), <c>null</c> (Python's <c>None</c>), or, from a PyTorch file,
/// any other unpickled value (ignored unless its key is needed, then refused by validation with its Python type).
/// </remarks>
internal sealed class OptimizerRecord
{
    /// <summary>The optimizer's class when the file names it (TorchSharp's format does; PyTorch's does not).</summary>
    public string? Kind { get; init; }

    /// <summary>The parameter groups, in order.</summary>
    public List<OptimizerGroupRecord> Groups { get; } = [];

    /// <summary>The per-parameter state, by the parameter's position across all groups; a missing entry means "never stepped".</summary>
    public Dictionary<int, Dictionary<string, object?>> States { get; } = [];

    /// <summary>The number of parameters the state covers, when the file says (TorchSharp's format gives only this total).</summary>
    public int? ParameterCount { get; init; }

    /// <summary>
    /// False when the optimizer keeps no state at all (SGD without momentum: no group keeps any and no parameter has
    /// any), so there is nothing of it to resume; true otherwise, and for records read from files.
    /// </summary>
    public bool KeepsState { get; set; } = true;
}

/// <summary>One parameter group: its hyperparameters by PyTorch key and, when the file says, how many parameters it has.</summary>
internal sealed class OptimizerGroupRecord
{
    /// <summary>Hyperparameters by PyTorch key (<c>lr</c>, <c>momentum</c>, <c>betas</c>, ...), without <c>params</c>.</summary>
    public Dictionary<string, object?> HyperParameters { get; } = [];

    /// <summary>The number of parameters in the group, when known.</summary>
    public int? ParameterCount { get; init; }
}
