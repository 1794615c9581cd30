using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchTutorial.Output;

namespace TorchTutorial.Tests.Output;

/// <summary>The library's Python float repr, which the sections and the tutorial apps print every loss with.</summary>
public sealed class PythonFloatTests
{
    // Expected strings are what CPython 3 prints for the same double.
    [TestCase(29428664.0, "29428664.0")]
    [TestCase(3.0050463465158828e-05, "3.0050463465158828e-05")]
    [TestCase(628.283935546875, "628.283935546875")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1e-05")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(123456789012345678.0, "1.2345678901234568e+17")]
    [TestCase(-6.71270206087371e-10, "-6.71270206087371e-10")]
    [TestCase(427.8198547363281, "427.8198547363281")]
    [TestCase(-2.5, "-2.5")]
    [TestCase(1.0, "1.0")]
    [TestCase(0.1, "0.1")]
    [TestCase(1e-300, "1e-300")]
    [TestCase(0.0, "0.0")]
    [TestCase(-0.0, "-0.0")]
    [TestCase(double.NaN, "nan")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    public void Repr_MatchesPython(double value, string expected)
    {
        Assert.That(PythonFloat.Repr(value), Is.EqualTo(expected));
    }

    [Test]
    public void Repr_MatchesCPythonOnEveryRecordedValue()
    {
        // Fixtures/python_float_repr.json: CPython's repr of every decimal exponent, random bit patterns, widened
        // float32 values and whole numbers up to 1e17 (make_float_fixture.py).
        string path = Path.Combine(RepositoryPaths.Root, "tests", "TorchTutorial.Tests", "Output", "Fixtures", "python_float_repr.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (Bits: c[0].GetString()!, Python: c[1].GetString()!)).ToArray();
        var wrong = cases
            .Select(c => (c.Bits, c.Python, Ours: PythonFloat.Repr(BitConverter.UInt64BitsToDouble(ulong.Parse(c.Bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))))
            .Where(c => c.Ours != c.Python)
            .Select(c => $"{c.Bits}: Python {c.Python}, ours {c.Ours}")
            .ToArray();

        Assert.That(cases, Has.Length.GreaterThan(3000), "the fixture lost its cases");
        Assert.That(wrong.Length, Is.Zero, () => $"{wrong.Length} of {cases.Length} values differ, e.g. {string.Join("; ", wrong.Take(5))}");
    }

    [Test]
    public void Repr_OfAFloat32Tensor_IsPythonsLossItem()
    {
        // Python: torch.tensor(0.1).item() is the float32 nearest 0.1 widened to a double.
        TorchTutorial.Runtime.TorchRuntime.EnsureLoaded();
        using var tensor = torch.tensor(0.1f);

        Assert.That(PythonFloat.Repr(tensor), Is.EqualTo("0.10000000149011612"));
    }
}
