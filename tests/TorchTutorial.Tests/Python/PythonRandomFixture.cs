using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace TorchTutorial.Tests.Python;

/// <summary>CPython's recorded draws: Fixtures/python_random.json, written by Fixtures/make_random_fixture.py.</summary>
internal static class PythonRandomFixture
{
    private static readonly string FixturePath =
        Path.Combine(RepositoryPaths.Root, "tests", "TorchTutorial.Tests", "Python", "Fixtures", "python_random.json");

    /// <summary>The recorded cases of one kind: <c>randint</c>, <c>getrandbits</c> or <c>random</c>.</summary>
    public static JsonElement[] Cases(string kind)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath));
        return document.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind)
            .Select(c => c.Clone()).ToArray();
    }

    /// <summary>What <c>random.seed(seed)</c> then <c>random.randint(a, b)</c>, repeatedly, drew in CPython.</summary>
    public static long[] RandIntDraws(long seed, long a, long b) =>
        Cases("randint").Single(c => Integer(c.GetProperty("seed")) == seed && c.GetProperty("a").GetInt64() == a && c.GetProperty("b").GetInt64() == b)
            .GetProperty("draws").EnumerateArray().Select(d => d.GetInt64()).ToArray();

    /// <summary>A recorded integer: a JSON number, or a decimal string where a double cannot hold it exactly.</summary>
    public static BigInteger Integer(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? BigInteger.Parse(value.GetString()!, CultureInfo.InvariantCulture)
        : new BigInteger(value.GetInt64());
}
