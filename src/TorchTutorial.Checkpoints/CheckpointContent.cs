namespace TorchTutorial.Checkpoints;

/// <summary>
/// What a checkpoint holds, independent of its format: the model's named tensors in order and, optionally, the
/// optimizer's state. Readers produce it from untrusted bytes; it is validated against the model before use.
/// </summary>
/// <param name="modelTensors">The model's tensors to start with.</param>
/// <param name="optimizer">The optimizer's state, or null.</param>
internal sealed class CheckpointContent(IEnumerable<KeyValuePair<string, TensorRecord>>? modelTensors = null, OptimizerRecord? optimizer = null)
{
    /// <summary>The model's tensors (parameters and buffers) by PyTorch name, in the file's order.</summary>
    public List<KeyValuePair<string, TensorRecord>> ModelTensors { get; } = [.. modelTensors ?? []];

    /// <summary>The optimizer's state, when the file holds one.</summary>
    public OptimizerRecord? Optimizer { get; set; } = optimizer;
}
