using System.Text.Json;
using System.Text.Json.Serialization;
using TorchTutorial.Data;

namespace TorchTutorial.TestSupport;

/// <summary>One recorded PyTorch run from tests/Parity/references (see tests/Parity/README.md).</summary>
public sealed record ParityReference(
    [property: JsonPropertyName("section")] string Section,
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("torch_version")] string TorchVersion,
    [property: JsonPropertyName("options")] ParityOptions Options,
    [property: JsonPropertyName("losses")] double[] Losses,
    [property: JsonPropertyName("step_comparable")] bool? StepComparable = null,
    [property: JsonPropertyName("result")] string? Result = null,
    [property: JsonPropertyName("blas")] ParityBlas? Blas = null,
    [property: JsonPropertyName("printed")] string[]? Printed = null)
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Parity", "references");

    /// <summary>The same runs recorded on OpenBLAS instead of Debian's reference BLAS, one file per reference.</summary>
    public static string OpenBlasFolder { get; } = Path.Combine(Folder, "openblas");

    /// <summary>This run recorded on OpenBLAS: references/openblas/&lt;section&gt;.&lt;set&gt;.json.</summary>
    /// <exception cref="FileNotFoundException">It was not recorded; run generate_references.py.</exception>
    public ParityReference OpenBlasTwin()
    {
        string path = Path.Combine(OpenBlasFolder, $"{Section}.{Set}.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{this} has no OpenBLAS twin at {path}; run tests/Parity/generate_references.py.", path);
        }

        return Load(path);
    }

    /// <summary>False when the reference holds only the printed steps (poly-dynamic, every 2000th), not every step.</summary>
    public bool IsStepComparable => StepComparable ?? true;

    /// <summary>The step of each entry of <see cref="Losses"/>: every step, or those with <c>t % log_every == log_every - 1</c>.</summary>
    public int[] LoggedSteps => Enumerable.Range(0, Options.Steps).Where(t => t % Options.EffectiveLogEvery == Options.EffectiveLogEvery - 1).ToArray();

    public static IEnumerable<ParityReference> All() =>
        Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Load);

    public static ParityReference Load(string path) =>
        JsonSerializer.Deserialize<ParityReference>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path} holds no reference.");

    public override string ToString() => $"{Section}.{Set}";
}

/// <summary>The BLAS library PyTorch ran on: <c>reference</c> or <c>openblas</c>, and the files it loaded.</summary>
public sealed record ParityBlas(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("libraries")] string[] Libraries);

/// <summary>
/// The options a reference was recorded with; the same names as the examples' command line. The polynomial
/// sections have no sizes (null) but a <c>log_every</c>.
/// </summary>
public sealed record ParityOptions(
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("batch")] int? Batch,
    [property: JsonPropertyName("input")] int? Input,
    [property: JsonPropertyName("hidden")] int? Hidden,
    [property: JsonPropertyName("output")] int? Output,
    [property: JsonPropertyName("lr")] double Lr,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("log_every")] int? LogEvery = null)
{
    /// <summary>N, D_in, H, D_out; the tutorial's for the polynomial sections, which ignore them.</summary>
    public NetworkSizes Sizes => Batch is { } batch
        ? new(batch, Input ?? throw Missing("input"), Hidden ?? throw Missing("hidden"), Output ?? throw Missing("output"))
        : NetworkSizes.Tutorial;

    /// <summary>The recorded print interval: 1 (every step) unless the reference says otherwise.</summary>
    public int EffectiveLogEvery => LogEvery ?? 1;

    public TorchSharp.torch.ScalarType ScalarType => DType switch
    {
        "float32" => TorchSharp.torch.ScalarType.Float32,
        "float64" => TorchSharp.torch.ScalarType.Float64,
        _ => throw new InvalidDataException($"Unknown dtype '{DType}' in a parity reference."),
    };

    private static InvalidDataException Missing(string name) => new($"A parity reference with a batch size has no '{name}'.");
}
