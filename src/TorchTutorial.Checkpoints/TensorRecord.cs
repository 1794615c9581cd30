using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// A tensor as a checkpoint holds it, outside libtorch: element type, shape and contiguous little-endian bytes.
/// Readers build these from untrusted bytes and nothing reaches libtorch until the whole file has been validated.
/// </summary>
internal sealed class TensorRecord
{
    /// <summary>The most dimensions a tensor may have (PyTorch's own limit is 64).</summary>
    public const int MaxDimensions = 64;

    private TensorRecord(TensorDType dtype, long[] shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public TensorDType DType { get; }

    /// <summary>The shape.</summary>
    public long[] Shape { get; }

    /// <summary>The elements, contiguous, little-endian.</summary>
    public byte[] Data { get; }

    /// <summary>The shape as PyTorch prints it: <c>[100, 1000]</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Checks that <paramref name="data"/> holds exactly the elements of <paramref name="shape"/>.</summary>
    /// <exception cref="CheckpointDataException">The shape is invalid or the byte count does not match it.</exception>
    public static TensorRecord Create(TensorDType dtype, long[] shape, byte[] data, string what)
    {
        long bytes = ByteCount(dtype, shape, what);
        if (bytes != data.LongLength)
        {
            throw CheckpointDataException.Corrupt($"{what} has shape {FormatShape(shape)} ({dtype}, {bytes} bytes) but {data.LongLength} bytes of data.");
        }

        if (dtype.ScalarType == ScalarType.Bool && data.Any(b => b > 1))
        {
            throw CheckpointDataException.Corrupt($"{what} is a bool tensor with bytes other than 0 and 1.");
        }

        return new TensorRecord(dtype, shape, data);
    }

    /// <summary>The number of bytes a tensor of this type and shape occupies, checked for overflow.</summary>
    /// <exception cref="CheckpointDataException">Too many dimensions, a negative size, or more than 2^62 bytes.</exception>
    public static long ByteCount(TensorDType dtype, IReadOnlyList<long> shape, string what)
    {
        if (shape.Count > MaxDimensions)
        {
            throw CheckpointDataException.Corrupt($"{what} has {shape.Count} dimensions (at most {MaxDimensions} are allowed).");
        }

        long count = dtype.Size;
        foreach (long size in shape)
        {
            if (size < 0)
            {
                throw CheckpointDataException.Corrupt($"{what} has a negative size in its shape {FormatShape(shape)}.");
            }

            if (size != 0 && count > (1L << 62) / size)
            {
                throw CheckpointDataException.Corrupt($"{what} has an impossibly large shape {FormatShape(shape)}.");
            }

            count *= size;
        }

        return count;
    }

    /// <summary>Copies a tensor's elements out of libtorch (detached, on the CPU, contiguous).</summary>
    /// <exception cref="CheckpointDataException">The element type is not supported.</exception>
    public static TensorRecord FromTensor(Tensor tensor, string what)
    {
        var dtype = TensorDType.FromScalarType(tensor.dtype)
            ?? throw new CheckpointDataException(CheckpointProblem.Unsupported, $"{what} has element type {tensor.dtype}; checkpoints support {TensorDType.SupportedNames}.");
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        return new TensorRecord(dtype, cpu.shape, cpu.bytes.ToArray());
    }

    /// <summary>A new CPU tensor holding a copy of the elements.</summary>
    public Tensor ToTensor()
    {
        var tensor = empty(Shape, DType.ScalarType);
        if (Data.Length > 0)
        {
            tensor.bytes = Data;
        }

        return tensor;
    }

    /// <summary>Formats a shape as PyTorch prints it: <c>[100, 1000]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
