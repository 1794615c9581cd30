using System.Globalization;
using System.Text;
using TorchSharp;

namespace TorchTutorial.Output;

/// <summary>Formats a double exactly as Python's <c>repr(float)</c> / <c>print(float)</c> does.</summary>
/// <remarks>
/// The tutorial's file-based apps (tutorial/*.cs) print <c>print(t, loss.item())</c> with it, so that they print the
/// Python script's lines digit for digit.
/// <para>
/// The digits are the shortest that round-trip (as .NET's "R" gives); the layout is Python's: fixed notation with
/// a trailing <c>.0</c> for whole numbers when the decimal exponent is in [-4, 16), otherwise <c>1.5e-05</c> style.
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
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest[0] == '-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        int exponent = 0;
        int e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            shortest = shortest[..e];
        }

        int dot = shortest.IndexOf('.', StringComparison.Ordinal);
        string integerPart = dot < 0 ? shortest : shortest[..dot];
        string digits = dot < 0 ? shortest : integerPart + shortest[(dot + 1)..];
        int point = integerPart.Length + exponent;   // the decimal point sits after this many digits

        int leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leadingZeros..].TrimEnd('0');
        point -= leadingZeros;
        int decimalExponent = point - 1;

        var text = new StringBuilder(negative ? "-" : string.Empty);
        if (decimalExponent is >= -4 and < 16)
        {
            if (point <= 0)
            {
                text.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                text.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(decimalExponent < 0 ? '-' : '+')
                .Append(Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
