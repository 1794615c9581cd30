using TorchSharp;
using TorchSharp.Modules;
using TorchTutorial.Python;
using static TorchSharp.torch;

namespace TorchTutorial.Modules;

/// <summary>
/// The current tutorial's <c>DynamicNet</c>: control flow and weight sharing on a polynomial. The forward pass computes
/// <c>a + b x + c x^2 + d x^3</c>, then draws (Python's <c>random.randint(4, 6)</c>) whether to add nothing,
/// <c>e x^4</c>, or <c>e x^4 + e x^5</c>, reusing the same Parameter <c>e</c> for every extra term, so the graph differs
/// from step to step. The draw comes from a <see cref="PythonRandom"/>, once per forward pass as in the script: seeded as
/// the script seeds Python's <c>random</c>, the model adds its extra terms on exactly the script's steps. Parameter names
/// match PyTorch's: <c>a</c> to <c>e</c>, drawn by <c>torch.randn(())</c> in that order.
/// </summary>
public sealed class DynamicPolynomial : nn.Module<Tensor, Tensor>
{
    /// <summary>The largest exponent a forward pass adds (Python's <c>range(4, random.randint(4, 6))</c> stops below 6).</summary>
    public const int MaxExponent = 5;

    /// <summary>The most extra terms a forward pass adds: x⁴ and x⁵.</summary>
    public const int MaxExtraTerms = MaxExponent - 3;

    private readonly Parameter a;
    private readonly Parameter b;
    private readonly Parameter c;
    private readonly Parameter d;
    private readonly Parameter e;
    private readonly PythonRandom random;

    /// <summary>Instantiates five scalar Parameters, each <c>torch.randn(())</c>, in PyTorch's order.</summary>
    /// <param name="random">Draws the number of extra terms of each forward pass (<c>random.randint(4, 6)</c>); pass
    /// <c>new PythonRandom(seed)</c> to draw what a script that called <c>random.seed(seed)</c> draws. A fresh unseeded one
    /// when null.</param>
    /// <param name="device">Where to put the parameters; the CPU when null.</param>
    /// <param name="dtype">The parameters' element type; float32 when null.</param>
    public DynamicPolynomial(PythonRandom? random = null, Device? device = null, ScalarType? dtype = null)
        : base(nameof(DynamicPolynomial))
    {
        a = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        b = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        c = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        d = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        e = new Parameter(randn(Array.Empty<long>(), dtype: dtype, device: device));
        this.random = random ?? new PythonRandom();
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

    /// <summary>The coefficient shared by x⁴ and x⁵, <c>e</c>.</summary>
    public Parameter E => e;

    /// <summary>The number of extra terms (0, 1 or 2) the last forward call added.</summary>
    public int LastExtraTerms { get; private set; }

    /// <summary>
    /// Draws <c>random.randint(4, 6)</c> and adds <c>e * x ** exp</c> for every <c>exp</c> in <c>range(4, drawn)</c>:
    /// plain C# control flow builds a different graph each pass, and every extra term shares <c>e</c>.
    /// </summary>
    public override Tensor forward(Tensor x) => forward(x, (int)random.RandInt(4, MaxExponent + 1) - 4);

    /// <summary>The forward pass with a fixed number of extra terms: <c>e x^4</c> up to <c>e x^(3 + extraTerms)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="extraTerms"/> is not 0, 1 or 2.</exception>
    public Tensor forward(Tensor x, int extraTerms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraTerms);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extraTerms, MaxExtraTerms);
        LastExtraTerms = extraTerms;
        var y = a + b * x + c * x.pow(2) + d * x.pow(3);
        for (int exp = 4; exp < 4 + extraTerms; exp++)
        {
            y = y + e * x.pow(exp);
        }

        return y;
    }

    /// <summary>
    /// The tutorial's custom method <c>string()</c>:
    /// <c>y = {a} + {b} x + {c} x^2 + {d} x^3 + {e} x^4 ? + {e} x^5 ?</c> (the question marks: those terms come and go).
    /// </summary>
    /// <param name="format">Formats each coefficient; Python's <c>repr</c> makes the line the script's exactly. Round-trip
    /// invariant formatting when null.</param>
    public string Formula(Func<double, string>? format = null)
    {
        format ??= Polynomial3.RoundTrip;
        string coefficient = format(e.ToDouble());
        return $"y = {format(a.ToDouble())} + {format(b.ToDouble())} x + {format(c.ToDouble())} x^2 + {format(d.ToDouble())} x^3 + {coefficient} x^4 ? + {coefficient} x^5 ?";
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
            e.Dispose();
        }

        base.Dispose(disposing);
    }
}
