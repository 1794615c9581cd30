// The note's section 2: torch.clamp(input, min, max, out=None) puts every entry of input into [min, max]; entries below
// min become min, entries above max become max, and either bound may be left out.
// https://pytorch.org/docs/stable/generated/torch.clamp.html
// Expected output (seed 0; `-- clamp --format tutorial`): a 2×4 randn tensor, then the four clamps of it.
using System.Globalization;
using static TorchSharp.torch;

namespace TorchTutorial.Examples.Sections;

/// <summary><c>torch.clamp</c>: min only, max only, both, and into an existing tensor (<c>out=</c>).</summary>
public static class ClampSection
{
    /// <summary>Runs the example: prints the input and each clamp of it.</summary>
    public static SectionResult Run(SectionContext context)
    {
        var output = context.Output;
        var input = randn(2, 4, dtype: context.DType, device: context.Device);
        output.WriteLine("input =");
        output.WriteLine(Show(input));

        // out=: TorchSharp has no out= overload; copy into the existing tensor and clamp it in place,
        // which fills the same storage without allocating a result.
        var @out = zeros_like(input);
        @out.copy_(input).clamp_(min: -0.5, max: 0.5);

        (string Expression, Tensor Result)[] examples =
        [
            ("torch.clamp(input, min=0)", clamp(input, min: 0)),
            ("torch.clamp(input, max=0.5)", clamp(input, max: 0.5)),
            ("torch.clamp(input, min=-0.5, max=0.5)", clamp(input, min: -0.5, max: 0.5)),
            ("torch.clamp(input, min=-0.5, max=0.5, out=out); out", @out),
        ];
        foreach (var (expression, result) in examples)
        {
            output.WriteLine();
            output.WriteLine($"{expression} =");
            output.WriteLine(Show(result));
        }

        return new SectionResult(null, ["clamp(min) = max(x, min); clamp(max) = min(x, max); out: written into an existing tensor's storage"]);
    }

    private static string Show(Tensor tensor) =>
        tensor.ToString(TorchSharp.TensorStringStyle.Numpy, fltFormat: "0.0000", cultureInfo: CultureInfo.InvariantCulture);
}
