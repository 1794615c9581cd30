namespace TorchTutorial.Checkpoints;

/// <summary>
/// The file formats a checkpoint can be written in. <see cref="CheckpointFormatExtensions"/> adds
/// <c>CheckpointFormat.FromPath(path)</c>, which picks one from the file's extension.
/// </summary>
public enum CheckpointFormat
{
    /// <summary>
    /// TorchSharp's own binary format: exactly what <c>module.save(writer)</c> writes, optionally followed by what
    /// <c>optimizer.save_state_dict(writer)</c> writes, then a 40-byte integrity trailer (SHA-256 + <c>TTCKPT01</c>).
    /// Plain TorchSharp reads it with one <c>BinaryReader</c>: <c>model.load(reader)</c>, then
    /// <c>optimizer.load_state_dict(reader)</c>. Carries optimizer state. Any extension other than
    /// <c>.pt</c>, <c>.pth</c> and <c>.safetensors</c>.
    /// </summary>
    TorchSharp,

    /// <summary>
    /// PyTorch's <c>torch.save</c> zip format (PyTorch ≥ 1.6): a <c>state_dict</c> that
    /// <c>model.load_state_dict(torch.load(f))</c> accepts, or, with an optimizer that keeps state, PyTorch's
    /// general-checkpoint recipe <c>{"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}</c>.
    /// Carries optimizer state; files with <c>"model"</c>/<c>"optimizer"</c> keys (older versions of this library) load too.
    /// Extensions <c>.pt</c> and <c>.pth</c>.
    /// </summary>
    PyTorch,

    /// <summary>
    /// The safetensors format (8-byte header length, JSON header, raw little-endian data). Holds the model's tensors
    /// only, never optimizer state. Extension <c>.safetensors</c>.
    /// </summary>
    SafeTensors,
}
