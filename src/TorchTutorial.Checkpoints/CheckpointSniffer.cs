using System.Buffers.Binary;

namespace TorchTutorial.Checkpoints;

/// <summary>Recognises a checkpoint file's format from its first and last bytes, for error messages that say what a misnamed file really is.</summary>
internal static class CheckpointSniffer
{
    /// <summary>The format the bytes look like, or null when they look like none of them.</summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="legacyPyTorch">True for a pre-1.6 (non-zip) <c>torch.save</c> file, which no reader here supports.</param>
    public static CheckpointFormat? Guess(byte[] file, out bool legacyPyTorch)
    {
        // A legacy file starts with a pickled magic number: PROTO, then LONG1 with 10 bytes.
        legacyPyTorch = file.Length >= 4 && file[0] == 0x80 && file[2] == 0x8A && file[3] == 10;
        if (file.Length >= 4 && file[0] == (byte)'P' && file[1] == (byte)'K' && file[2] is 3 or 5 && file[3] is 4 or 6)
        {
            return CheckpointFormat.PyTorch;
        }

        if (file.Length >= 10 && file[8] == (byte)'{')
        {
            ulong header = BinaryPrimitives.ReadUInt64LittleEndian(file);
            if (header >= 2 && header <= (ulong)(file.Length - 8))
            {
                return CheckpointFormat.SafeTensors;
            }
        }

        if (file.Length >= TorchSharpCheckpointFile.TrailerLength && file.AsSpan(file.Length - 8).SequenceEqual(TorchSharpCheckpointFile.Magic))
        {
            return CheckpointFormat.TorchSharp;
        }

        return null;
    }

    /// <summary>A file-name hint for a format: the extension that selects it.</summary>
    public static string ExtensionHint(CheckpointFormat format) => format switch
    {
        CheckpointFormat.PyTorch => "a PyTorch .pt archive: name it *.pt or *.pth",
        CheckpointFormat.SafeTensors => "a safetensors file: name it *.safetensors",
        _ => "a TorchSharp checkpoint: give it an extension other than .pt, .pth or .safetensors",
    };
}
