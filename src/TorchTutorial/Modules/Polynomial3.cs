using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>
/// The current tutorial's <c>Polynomial3(torch.nn.Module)</c>: <c>y = a + b x + c x^2 + d x^3</c> with four scalar
/// Parameters drawn by <c>torch.randn(())</c> in the order a, b, c, d. Parameter names match PyTorch's: <c>a</c>,
/// <c>b</c>, <c>c</c>, <c>d</c>.
/// </summary>
public sealed class Polynomial3 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter a;
    private readonly Parameter b;
    private readonly Parameter c;
    private readonly Parameter d;

    /// <summary>Instantiates four scalar Parameters, each <c>torch.randn(())</c>, in PyTorch's order.</summary>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public Polynomial3(Device? device = null, ScalarType? dtype = null)
        : base(nameof(Polynomial3))
    {
        a = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        b = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        c = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        d = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        RegisterComponents();
    }

    /// <summary>The constant term, <c>a</c>.</summary>
    public Parameter A => a;

    /// <summary>The coefficient of x, <c>b</c>.</summary>
    public Parameter B => b;

    /// <summary>The coefficient of x², <c>c</c>.</summary>
    public Parameter C => c;

    /// <summary>The coefficient of x³, <c>d</c>.</summary>
    public Parameter D => d;

    /// <summary>Accepts a tensor of inputs and returns <c>a + b * x + c * x ** 2 + d * x ** 3</c>, element by element.</summary>
    public override Tensor forward(Tensor x) => a + b * x + c * x.pow(2) + d * x.pow(3);

    /// <summary>
    /// The tutorial's custom method <c>string()</c>: <c>y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3</c>.
    /// </summary>
    /// <param name="format">Formats each coefficient; Python's <c>repr</c> makes the line the script's exactly. Round-trip
    /// invariant formatting when null.</param>
    public string Formula(Func<double, string>? format = null)
    {
        format ??= RoundTrip;
        return $"y = {format(a.ToDouble())} + {format(b.ToDouble())} x + {format(c.ToDouble())} x^2 + {format(d.ToDouble())} x^3";
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            a.Dispose();
            b.Dispose();
            c.Dispose();
            d.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static string RoundTrip(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
