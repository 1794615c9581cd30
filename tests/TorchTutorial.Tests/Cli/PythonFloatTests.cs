using TorchTutorial.Examples.Output;

namespace TorchTutorial.Tests.Cli;

public sealed class PythonFloatTests
{
    // Expected strings are what CPython 3 prints for the same double.
    [TestCase(29428664.0, "29428664.0")]
    [TestCase(427.8198547363281, "427.8198547363281")]
    [TestCase(3.02869884762913e-05, "3.02869884762913e-05")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1e-05")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(123456789012345678.0, "1.2345678901234568e+17")]
    [TestCase(-2.5, "-2.5")]
    [TestCase(0.0, "0.0")]
    [TestCase(-0.0, "-0.0")]
    [TestCase(1.0, "1.0")]
    [TestCase(0.1, "0.1")]
    [TestCase(1e-300, "1e-300")]
    [TestCase(double.NaN, "nan")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    public void Repr_MatchesPython(double value, string expected)
    {
        Assert.That(PythonFloat.Repr(value), Is.EqualTo(expected));
    }
}
