namespace TorchTutorial.Checkpoints;

/// <summary>What <see cref="Checkpoint.Save"/> wrote or <see cref="Checkpoint.Load"/> restored.</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Format">Its format.</param>
/// <param name="TensorCount">The number of model tensors (parameters and buffers) written or restored.</param>
/// <param name="IncludesOptimizerState">
/// Save: the optimizer's state was written (never for <see cref="CheckpointFormat.SafeTensors"/>).
/// Load: the optimizer's state was restored from the file (false when no optimizer was given or the file holds none;
/// the optimizer is then left as it was).
/// </param>
public sealed record CheckpointSummary(string Path, CheckpointFormat Format, int TensorCount, bool IncludesOptimizerState);
