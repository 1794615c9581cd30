using System.Text.Json;
using System.Text.Json.Serialization;
using TorchTutorial.Data;

namespace TorchTutorial.Tests.Parity;

/// <summary>One recorded PyTorch run from tests/Parity/references (see tests/Parity/README.md).</summary>
public sealed record ParityReference(
    [property: JsonPropertyName("section")] string Section,
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("torch_version")] string TorchVersion,
    [property: JsonPropertyName("options")] ParityOptions Options,
    [property: JsonPropertyName("losses")] double[] Losses)
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Parity", "references");

    public static IEnumerable<ParityReference> All() =>
        Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Load);

    public static ParityReference Load(string path) =>
        JsonSerializer.Deserialize<ParityReference>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path} holds no reference.");

    public override string ToString() => $"{Section}.{Set}";
}

/// <summary>The options a reference was recorded with; the same names as the examples' command line.</summary>
public sealed record ParityOptions(
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("input")] int Input,
    [property: JsonPropertyName("hidden")] int Hidden,
    [property: JsonPropertyName("output")] int Output,
    [property: JsonPropertyName("lr")] double Lr,
    [property: JsonPropertyName("dtype")] string DType)
{
    public NetworkSizes Sizes => new(Batch, Input, Hidden, Output);

    public TorchSharp.torch.ScalarType ScalarType => DType switch
    {
        "float32" => TorchSharp.torch.ScalarType.Float32,
        "float64" => TorchSharp.torch.ScalarType.Float64,
        _ => throw new InvalidDataException($"Unknown dtype '{DType}' in a parity reference."),
    };
}
