using TorchSharp;
using static TorchSharp.torch;

namespace TorchTutorial.Checkpoints;

/// <summary>
/// An element type a checkpoint can hold, with its names in each format: TorchSharp's <see cref="ScalarType"/> code,
/// the safetensors dtype string and PyTorch's legacy storage class (<c>torch.FloatStorage</c>, ...).
/// </summary>
/// <param name="ScalarType">TorchSharp's element type.</param>
/// <param name="SafeTensorsName">The safetensors dtype string (<c>F32</c>, <c>F64</c>, ...).</param>
/// <param name="StorageName">PyTorch's storage class in module <c>torch</c> (<c>FloatStorage</c>, ...).</param>
/// <param name="Name">PyTorch's name (<c>float32</c>, ...), for messages.</param>
internal sealed record TensorDType(ScalarType ScalarType, string SafeTensorsName, string StorageName, string Name)
{
    private static readonly TensorDType[] All =
    [
        new(ScalarType.Float32, "F32", "FloatStorage", "float32"),
        new(ScalarType.Float64, "F64", "DoubleStorage", "float64"),
        new(ScalarType.Float16, "F16", "HalfStorage", "float16"),
        new(ScalarType.BFloat16, "BF16", "BFloat16Storage", "bfloat16"),
        new(ScalarType.Int64, "I64", "LongStorage", "int64"),
        new(ScalarType.Int32, "I32", "IntStorage", "int32"),
        new(ScalarType.Int16, "I16", "ShortStorage", "int16"),
        new(ScalarType.Int8, "I8", "CharStorage", "int8"),
        new(ScalarType.Byte, "U8", "ByteStorage", "uint8"),
        new(ScalarType.Bool, "BOOL", "BoolStorage", "bool"),
    ];

    /// <summary>float32.</summary>
    public static TensorDType Float32 { get; } = All[0];

    /// <summary>Bytes per element.</summary>
    public int Size => ScalarType.ElementSize();

    /// <summary>The names of every supported type, for messages.</summary>
    public static string SupportedNames => string.Join(", ", All.Select(d => d.Name));

    /// <summary>The entry for a TorchSharp element type, or null when checkpoints do not support it.</summary>
    public static TensorDType? FromScalarType(ScalarType type) => All.FirstOrDefault(d => d.ScalarType == type);

    /// <summary>The entry for TorchSharp's numeric code of an element type, or null.</summary>
    public static TensorDType? FromTorchSharpCode(ulong code) => All.FirstOrDefault(d => (ulong)(int)d.ScalarType == code);

    /// <summary>The entry for a safetensors dtype string, or null.</summary>
    public static TensorDType? FromSafeTensorsName(string name) => All.FirstOrDefault(d => d.SafeTensorsName == name);

    /// <summary>The entry for a PyTorch storage class name, or null.</summary>
    public static TensorDType? FromStorageName(string name) => All.FirstOrDefault(d => d.StorageName == name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
