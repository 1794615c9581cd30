namespace TorchTutorial.Checkpoints;

/// <summary>What went wrong with a checkpoint; carried by <see cref="CheckpointException.Problem"/>.</summary>
public enum CheckpointProblem
{
    /// <summary>The file (or the folder it should be written to) does not exist.</summary>
    FileNotFound,

    /// <summary>The file could not be read or written (permissions, full disk, a folder in the way, ...).</summary>
    IOError,

    /// <summary>The file ends early: it was cut short while being copied or written.</summary>
    Truncated,

    /// <summary>The file is not a checkpoint in the expected format (another format, or not a checkpoint at all).</summary>
    NotACheckpoint,

    /// <summary>The file is damaged: a checksum does not match, or its structure is inconsistent.</summary>
    Corrupt,

    /// <summary>The file's pickle references code outside the allow-list (<c>os.system</c>, <c>builtins.eval</c>, ...) and was refused unread.</summary>
    UnsafeContent,

    /// <summary>The file holds a different model: none of its tensor names are this model's.</summary>
    WrongModel,

    /// <summary>A tensor of the model is missing from the file.</summary>
    MissingTensor,

    /// <summary>The file holds a tensor the model does not have.</summary>
    UnexpectedTensor,

    /// <summary>A tensor has another shape in the file than in the model.</summary>
    ShapeMismatch,

    /// <summary>A tensor has another element type in the file than in the model.</summary>
    DTypeMismatch,

    /// <summary>The optimizer state in the file does not fit the optimizer (another algorithm, other parameter groups or shapes).</summary>
    OptimizerMismatch,

    /// <summary>The request cannot be served: an optimizer type, an element type or a size these checkpoints do not support.</summary>
    Unsupported,
}
