using System.Globalization;
using TorchSharp;

namespace TorchTutorial.Output;

/// <summary>Formats a double exactly as Python's <c>repr(float)</c> / <c>print(float)</c> does.</summary>
/// <remarks>
/// The tutorial's file-based apps (tutorial/*.cs) print <c>print(t, loss.item())</c> with it, so that they print the
/// Python script's lines digit for digit.
/// <para>
/// Both languages print the shortest digits that round-trip. Python writes fixed notation, with a trailing <c>.0</c>
/// for whole numbers, when the decimal exponent is in [-4, 16), and <c>1.5e-05</c> style otherwise; .NET's "R" switches
/// at the same exponents except 16, where it still writes the 17 digits of an integer. Checked against CPython on the
/// values of tests/TorchTutorial.Tests/Output/Fixtures/make_float_fixture.py.
/// </para>
/// </remarks>
public static class PythonFloat
{
    /// <summary>
    /// What Python prints for <c>tensor.item()</c> of a one-element float tensor: the element widened to a double (as
    /// <c>item()</c> does for float32), then <see cref="Repr(double)"/>.
    /// </summary>
    public static string Repr(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Repr(tensor.ToDouble());
    }

    /// <summary>Python's <c>repr</c> of <paramref name="value"/>, e.g. <c>31011128.0</c>, <c>0.0001</c>, <c>1.5e-05</c>.</summary>
    public static string Repr(double value)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);   // "-0", "1000", "0.0001", "1E-05", "1.5E+17"
        if (text.Contains('E', StringComparison.Ordinal))
        {
            return text.Replace('E', 'e');
        }

        if (Math.Abs(value) >= 1e16)
        {
            // 17 integer digits: Python's exponent form, 1.2345678901234568e+16.
            string sign = value < 0 ? "-" : string.Empty;
            string digits = text.TrimStart('-').TrimEnd('0');
            return sign + digits[0] + (digits.Length > 1 ? "." + digits[1..] : string.Empty) + "e+16";
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }
}
