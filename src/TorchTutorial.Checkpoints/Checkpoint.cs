using System.Buffers.Binary;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// Saves and loads model checkpoints (and optimizer state, so training resumes where it stopped) in TorchSharp's own
/// format, PyTorch's <c>.pt</c> format or safetensors; the file's extension picks the format
/// (<see cref="CheckpointFormatExtensions"/>). Tensor names are PyTorch's (<c>linear1.weight</c>, <c>0.bias</c>, ...),
/// so files move between this library and PyTorch in both directions.
/// </summary>
/// <remarks>
/// <para>Saving is atomic: a temporary file in the same folder, flushed to the disk, then renamed over the target; an
/// existing file is never left half-written.</para>
/// <para>Loading reads and validates the whole file before it touches anything: the format's structure and checksums,
/// every tensor name, shape and element type against the model (and the optimizer state against the optimizer). Only
/// then are the values copied in, in place. On any problem it throws <see cref="CheckpointException"/> and the model
/// and the optimizer are unchanged, bit for bit.</para>
/// <para>Loading never runs code from the file: PyTorch's pickle is scanned against an allow-list before Razorvine.Pickle
/// unpickles it, and the few allowed callables are implemented here.</para>
/// <para>Optimizer state (SGD, Adam, AdamW, RMSProp) is carried by the TorchSharp and PyTorch formats, not by
/// safetensors, which holds the model's weights only.</para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The largest checkpoint file read (the limit of a .NET array).</summary>
    public const long MaxFileBytes = int.MaxValue - 1024;

    /// <summary>Saves the model's parameters and buffers (and the optimizer's state) to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file; its extension picks the format unless <paramref name="format"/> is given.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer to save too, or null. Ignored for <see cref="CheckpointFormat.SafeTensors"/>
    /// (the summary then says <see cref="CheckpointSummary.IncludesOptimizerState"/> = false). In a
    /// <see cref="CheckpointFormat.PyTorch"/> file an optimizer that keeps no state (SGD without momentum) adds nothing:
    /// the file is the bare state_dict and the summary says false; otherwise the file is
    /// <c>{"model_state_dict": ..., "optimizer_state_dict": ...}</c>.</param>
    /// <param name="format">The format, when not the one the extension picks.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="CheckpointException">The file could not be written (the previous file, if any, is unchanged), or the
    /// model or optimizer holds something the format cannot (another optimizer class, an unsupported element type).</exception>
    public static CheckpointSummary Save(string path, nn.Module model, optim.Optimizer? optimizer = null, CheckpointFormat? format = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(model);
        var chosen = format ?? CheckpointFormat.FromPath(path);
        bool withOptimizer = optimizer is not null && chosen != CheckpointFormat.SafeTensors;
        byte[] bytes;
        int tensorCount;
        try
        {
            var tensors = ModelState.Capture(model);
            tensorCount = tensors.Count;
            var optimizerRecord = withOptimizer ? OptimizerStateTransfer.Capture(optimizer!) : null;
            if (chosen == CheckpointFormat.PyTorch && optimizerRecord is { KeepsState: false })
            {
                // Nothing to resume: the bare state_dict, which model.load_state_dict(torch.load(f)) takes as it is.
                optimizerRecord = null;
                withOptimizer = false;
            }

            bytes = chosen switch
            {
                CheckpointFormat.PyTorch => PyTorchCheckpointFile.Write(new CheckpointContent(tensors, optimizerRecord)),
                CheckpointFormat.SafeTensors => SafeTensorsFile.Write(tensors),
                _ => TorchSharpCheckpointFile.Write(model, withOptimizer ? optimizer : null),
            };
        }
        catch (CheckpointDataException ex)
        {
            throw new CheckpointException($"Cannot save checkpoint '{path}' ({Describe(chosen)}): {ex.Message} Nothing was written.", path, chosen, ex.Problem, ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointException(
                $"Cannot save checkpoint '{path}' ({Describe(chosen)}): reading the model's or optimizer's state failed ({ex.GetType().Name}: {ex.Message}). Nothing was written.",
                path, chosen, CheckpointProblem.Unsupported, ex);
        }

        try
        {
            AtomicFile.Write(path, stream => stream.Write(bytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var problem = ex is DirectoryNotFoundException ? CheckpointProblem.FileNotFound : CheckpointProblem.IOError;
            throw new CheckpointException(
                $"Cannot save checkpoint '{path}' ({Describe(chosen)}): {ex.Message} Any previous file at that path is unchanged.",
                path, chosen, problem, ex);
        }

        return new CheckpointSummary(path, chosen, tensorCount, withOptimizer);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/> (and <paramref name="optimizer"/>), after validating all of it.
    /// </summary>
    /// <param name="path">The file; its extension picks the format unless <paramref name="format"/> is given.</param>
    /// <param name="model">The model; it must have exactly the file's tensor names, shapes and element types.</param>
    /// <param name="optimizer">The optimizer to restore too, or null. When the file holds no optimizer state (a plain
    /// state_dict, a safetensors file) the optimizer is left as it is and the summary says so.</param>
    /// <param name="format">The format, when not the one the extension picks.</param>
    /// <returns>What was restored.</returns>
    /// <exception cref="CheckpointException">The file is missing, unreadable, truncated, corrupt, unsafe, or for another
    /// model or optimizer; the message says which and how to fix it. Nothing was changed.</exception>
    public static CheckpointSummary Load(string path, nn.Module model, optim.Optimizer? optimizer = null, CheckpointFormat? format = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(model);
        var chosen = format ?? CheckpointFormat.FromPath(path);
        byte[] bytes = ReadFile(path, chosen);
        CheckpointContent content;
        try
        {
            content = Parse(bytes, chosen);
            ModelState.Validate(content.ModelTensors, model);
            if (optimizer is not null && content.Optimizer is not null)
            {
                OptimizerStateTransfer.Validate(content.Optimizer, optimizer);
            }
        }
        catch (CheckpointDataException ex)
        {
            var (problem, hint) = Diagnose(bytes, chosen, ex.Problem);
            throw new CheckpointException(
                $"Cannot load checkpoint '{path}' ({Describe(chosen)}): {ex.Message}{hint} {NotChanged(optimizer)}",
                path, chosen, problem, ex);
        }

        ModelState.Apply(content.ModelTensors, model);
        bool restored = optimizer is not null && content.Optimizer is not null;
        if (restored)
        {
            OptimizerStateTransfer.Apply(content.Optimizer!, optimizer!);
        }

        return new CheckpointSummary(path, chosen, content.ModelTensors.Count, restored);
    }

    /// <summary>Reads a file's bytes in a format; anything a reader did not anticipate is reported as damage, since nothing has been changed yet.</summary>
    private static CheckpointContent Parse(byte[] bytes, CheckpointFormat format)
    {
        try
        {
            return format switch
            {
                CheckpointFormat.PyTorch => PyTorchCheckpointFile.Read(bytes),
                CheckpointFormat.SafeTensors => SafeTensorsFile.Read(bytes),
                _ => TorchSharpCheckpointFile.Read(bytes),
            };
        }
        catch (Exception ex) when (ex is not (CheckpointDataException or OutOfMemoryException))
        {
            throw new CheckpointDataException(CheckpointProblem.Corrupt, $"the file is damaged ({ex.GetType().Name}: {ex.Message.TrimEnd('.')}).", ex);
        }
    }

    private static string NotChanged(optim.Optimizer? optimizer) =>
        optimizer is null ? "The model was not changed." : "The model and the optimizer were not changed.";

    private static byte[] ReadFile(string path, CheckpointFormat format)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxFileBytes)
            {
                throw new CheckpointException(
                    $"Cannot load checkpoint '{path}' ({Describe(format)}): it is {stream.Length} bytes; files over 2 GiB are not supported.",
                    path, format, CheckpointProblem.Unsupported);
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointException($"Cannot load checkpoint '{path}': the file does not exist.", path, format, CheckpointProblem.FileNotFound, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CheckpointException($"Cannot load checkpoint '{path}': it could not be read ({ex.Message}).", path, format, CheckpointProblem.IOError, ex);
        }
    }

    private static string Describe(CheckpointFormat format) => format switch
    {
        CheckpointFormat.PyTorch => "PyTorch .pt format",
        CheckpointFormat.SafeTensors => "safetensors format",
        _ => "TorchSharp format",
    };

    /// <summary>
    /// When a file fails to parse and its first bytes say it is in another format (a misnamed file), reports it as
    /// <see cref="CheckpointProblem.NotACheckpoint"/> with the extension that would select its format.
    /// </summary>
    private static (CheckpointProblem Problem, string Hint) Diagnose(byte[] bytes, CheckpointFormat format, CheckpointProblem problem)
    {
        if (problem is not (CheckpointProblem.NotACheckpoint or CheckpointProblem.Corrupt or CheckpointProblem.Truncated))
        {
            return (problem, "");
        }

        var guess = Guess(bytes, out bool legacy);
        if (legacy && format != CheckpointFormat.PyTorch)
        {
            return (CheckpointProblem.NotACheckpoint, " It looks like a legacy (pre-1.6) torch.save file, which is not supported.");
        }

        return guess is CheckpointFormat other && other != format
            ? (CheckpointProblem.NotACheckpoint, $" It looks like {ExtensionHint(other)} (the extension picks the format).")
            : (problem, "");
    }

    /// <summary>
    /// The format a file's first and last bytes look like, or null when they look like none of them: for messages that
    /// say what a misnamed file really is.
    /// </summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="legacyPyTorch">True for a pre-1.6 (non-zip) <c>torch.save</c> file, which no reader here supports.</param>
    internal static CheckpointFormat? Guess(byte[] file, out bool legacyPyTorch)
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
    private static string ExtensionHint(CheckpointFormat format) => format switch
    {
        CheckpointFormat.PyTorch => "a PyTorch .pt archive: name it *.pt or *.pth",
        CheckpointFormat.SafeTensors => "a safetensors file: name it *.safetensors",
        _ => "a TorchSharp checkpoint: give it an extension other than .pt, .pth or .safetensors",
    };
}
