namespace TorchTutorial.Checkpoints;

/// <summary>Adds <c>CheckpointFormat.FromPath</c>: the file's extension picks the format.</summary>
public static class CheckpointFormatExtensions
{
    extension(CheckpointFormat)
    {
        /// <summary>
        /// The format a checkpoint file is read and written in, from its extension (case-insensitive):
        /// <c>.pt</c> and <c>.pth</c> → <see cref="CheckpointFormat.PyTorch"/>, <c>.safetensors</c> →
        /// <see cref="CheckpointFormat.SafeTensors"/>, anything else (including none) → <see cref="CheckpointFormat.TorchSharp"/>.
        /// </summary>
        /// <param name="path">A file name or path.</param>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty or only white space.</exception>
        public static CheckpointFormat FromPath(string path)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".pt" or ".pth" => CheckpointFormat.PyTorch,
                ".safetensors" => CheckpointFormat.SafeTensors,
                _ => CheckpointFormat.TorchSharp,
            };
        }
    }
}
