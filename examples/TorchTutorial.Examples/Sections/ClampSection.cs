using System.Globalization;
using TorchSharp;
using TorchTutorial.Data;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary>
/// The note's <c>torch.clamp(input, min, max, out=None)</c>: entries below <c>min</c> become <c>min</c>, entries above
/// <c>max</c> become <c>max</c>; either bound may be left out. Prints a small tensor before and after each form.
/// </summary>
public sealed class ClampSection : ITutorialSection
{
    /// <inheritdoc />
    public string Name => "clamp";

    /// <inheritdoc />
    public string Script => "torch.clamp (the note's section 2)";

    /// <inheritdoc />
    public string Title => "torch.clamp: min only, max only, both, and into an existing tensor";

    /// <inheritdoc />
    public double DefaultLearningRate => 1e-6;

    /// <inheritdoc />
    public bool Trains => false;

    /// <inheritdoc />
    public int DefaultSteps => 500;

    /// <inheritdoc />
    public int DefaultLogEvery => 1;

    /// <inheritdoc />
    public string DescribeData(NetworkSizes sizes) => "input = randn(2, 4)";

    /// <inheritdoc />
    public SectionResult Run(SectionContext context)
    {
        var output = context.Output;
        using var scope = NewDisposeScope();
        var input = randn(2, 4, dtype: context.DType, device: context.Device);
        output.WriteLine("input =");
        output.WriteLine(Show(input));
        foreach (var (expression, result) in Examples(input))
        {
            output.WriteLine();
            output.WriteLine($"{expression} =");
            output.WriteLine(Show(result));
        }

        return new SectionResult(Name, null, ["clamp(min) = max(x, min); clamp(max) = min(x, max); out: written into an existing tensor's storage"]);
    }

    /// <summary>The four forms of the note's clamp, applied to <paramref name="input"/>: min only, max only, both, and out.</summary>
    public static IReadOnlyList<(string Expression, Tensor Result)> Examples(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);

        // out=: TorchSharp has no out= overload; copy into the existing tensor and clamp it in place,
        // which fills the same storage without allocating a result.
        var @out = zeros_like(input);
        @out.copy_(input).clamp_(min: -0.5, max: 0.5);

        return
        [
            ("torch.clamp(input, min=0)", clamp(input, min: 0)),
            ("torch.clamp(input, max=0.5)", clamp(input, max: 0.5)),
            ("torch.clamp(input, min=-0.5, max=0.5)", clamp(input, min: -0.5, max: 0.5)),
            ("torch.clamp(input, min=-0.5, max=0.5, out=out); out", @out),
        ];
    }

    private static string Show(Tensor tensor) =>
        tensor.ToString(TorchSharp.TensorStringStyle.Numpy, fltFormat: "0.0000", cultureInfo: CultureInfo.InvariantCulture);
}
