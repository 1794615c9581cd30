using System.Globalization;

namespace TorchTutorial.Examples.Output;

/// <summary>
/// Reads what a tutorial script printed: one <c>t loss</c> line per logged step, and for the polynomial scripts a final
/// <c>Result: y = ...</c> line, which is skipped.
/// </summary>
public static class TutorialOutputFile
{
    private const string ResultPrefix = "Result: ";

    /// <summary>Reads <paramref name="path"/> into step → loss.</summary>
    /// <exception cref="FormatException">A line is not <c>t loss</c>, a step repeats or goes backwards, or the file is empty; the message names the line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<int, double> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses tutorial output from <paramref name="reader"/>; <paramref name="name"/> is used in messages.</summary>
    /// <exception cref="FormatException">The text is not tutorial output.</exception>
    public static IReadOnlyDictionary<int, double> Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var losses = new Dictionary<int, double>();
        int lineNumber = 0;
        int previous = -1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            {
                // The polynomial scripts end with `Result: y = ...`: not a loss, nothing to compare.
                continue;
            }

            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int step)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double loss))
            {
                throw new FormatException($"{name}:{lineNumber}: expected 't loss' (as printed by print(t, loss.item())), found '{Shorten(line)}'.");
            }

            if (step <= previous)
            {
                throw new FormatException($"{name}:{lineNumber}: step {step} comes after step {previous}; steps must increase.");
            }

            if (!double.IsFinite(loss))
            {
                throw new FormatException($"{name}:{lineNumber}: the loss at step {step} is {fields[1]}; the reference run diverged.");
            }

            losses[step] = loss;
            previous = step;
        }

        return losses.Count > 0 ? losses : throw new FormatException($"{name}: no 't loss' lines.");
    }

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";
}
