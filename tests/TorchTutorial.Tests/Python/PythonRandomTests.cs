using System.Numerics;
using System.Text.Json;
using TorchTutorial.Python;

namespace TorchTutorial.Tests.Python;

/// <summary>
/// <see cref="PythonRandom"/> draws what CPython's <c>random</c> draws, for the seeds and ranges recorded by
/// Fixtures/make_random_fixture.py with Debian's /usr/bin/python3 (python_random.json).
/// </summary>
public sealed class PythonRandomTests
{
    private static JsonElement[] Cases(string kind) => PythonRandomFixture.Cases(kind);

    private static BigInteger Integer(JsonElement value) => PythonRandomFixture.Integer(value);

    public static IEnumerable<TestCaseData> RandIntCases() => Cases("randint").Select(c =>
        new TestCaseData(Integer(c.GetProperty("seed")), c.GetProperty("a").GetInt64(), c.GetProperty("b").GetInt64(),
                c.GetProperty("draws").EnumerateArray().Select(d => d.GetInt64()).ToArray())
            .SetArgDisplayNames($"seed {c.GetProperty("seed")}", $"randint({c.GetProperty("a")}, {c.GetProperty("b")})"));

    public static IEnumerable<TestCaseData> GetRandBitsCases() => Cases("getrandbits").Select(c =>
        new TestCaseData(Integer(c.GetProperty("seed")), c.GetProperty("k").EnumerateArray().Select(k => k.GetInt32()).ToArray(),
                c.GetProperty("draws").EnumerateArray().Select(Integer).ToArray())
            .SetArgDisplayNames($"seed {c.GetProperty("seed")}"));

    public static IEnumerable<TestCaseData> RandomCases() => Cases("random").Select(c =>
        new TestCaseData(Integer(c.GetProperty("seed")), c.GetProperty("draws").EnumerateArray().Select(d => d.GetDouble()).ToArray())
            .SetArgDisplayNames($"seed {c.GetProperty("seed")}"));

    [Test]
    public void Fixture_CoversTheSeedsAndRangesItClaims()
    {
        var randint = Cases("randint");
        var seeds = randint.Select(c => Integer(c.GetProperty("seed"))).Distinct().ToArray();
        var ranges = randint.Select(c => (c.GetProperty("a").GetInt64(), c.GetProperty("b").GetInt64())).Distinct().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(seeds, Is.SupersetOf(new BigInteger[] { 0, 1, 42, 4242 }));
            Assert.That(seeds.Any(s => s > uint.MaxValue), Is.True, "a seed above 2^32");
            Assert.That(seeds.Any(s => s > ulong.MaxValue), Is.True, "a seed above 2^64");
            Assert.That(seeds.Any(s => s < 0), Is.True, "a negative seed");
            Assert.That(ranges, Is.SupersetOf(new[] { (0L, 3L), (4L, 6L), (0L, 0L), (0L, 1L << 31) }));
            Assert.That(ranges.Any(r => r.Item2 - r.Item1 > uint.MaxValue), Is.True, "a range wider than 32 bits");
            Assert.That(randint.Where(c => c.GetProperty("a").GetInt64() == 0 && c.GetProperty("b").GetInt64() == 3)
                .Min(c => c.GetProperty("draws").GetArrayLength()), Is.GreaterThan(624), "enough draws to regenerate the state");
        });
    }

    [TestCaseSource(nameof(RandIntCases))]
    public void RandInt_DrawsWhatCPythonDraws(BigInteger seed, long a, long b, long[] expected)
    {
        var random = new PythonRandom(seed);

        var drawn = expected.Select(_ => random.RandInt(a, b)).ToArray();

        Assert.That(drawn, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(RandIntCases))]
    public void RandRange_IsRandIntWithAnExclusiveStop(BigInteger seed, long a, long b, long[] expected)
    {
        var random = new PythonRandom(seed);

        var drawn = expected.Select(_ => random.RandRange(a, b + 1)).ToArray();

        Assert.That(drawn, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(GetRandBitsCases))]
    public void GetRandBits_DrawsWhatCPythonDraws(BigInteger seed, int[] bits, BigInteger[] expected)
    {
        var random = new PythonRandom(seed);

        var drawn = bits.Select(random.GetRandBits).ToArray();

        Assert.That(drawn, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(RandomCases))]
    public void NextDouble_DrawsWhatCPythonsRandomDraws(BigInteger seed, double[] expected)
    {
        var random = new PythonRandom(seed);

        var drawn = expected.Select(_ => random.NextDouble()).ToArray();

        Assert.That(drawn, Is.EqualTo(expected));
    }

    [Test]
    public void LongAndBigIntegerSeeds_AndReseeding_GiveTheSameSequence()
    {
        var fromLong = new PythonRandom(-4242L);
        var fromBig = new PythonRandom(new BigInteger(4242));
        var reseeded = new PythonRandom(1);
        reseeded.RandInt(0, 100);
        reseeded.Seed(4242);

        var expected = Enumerable.Range(0, 10).Select(_ => fromLong.RandInt(0, 1000)).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 10).Select(_ => fromBig.RandInt(0, 1000)), Is.EqualTo(expected));
            Assert.That(Enumerable.Range(0, 10).Select(_ => reseeded.RandInt(0, 1000)), Is.EqualTo(expected));
        });
    }

    [Test]
    public void Unseeded_InstancesDrawDifferentSequences()
    {
        var first = new PythonRandom();
        var second = new PythonRandom();

        Assert.That(first.GetRandBits(128), Is.Not.EqualTo(second.GetRandBits(128)));
    }

    [Test]
    public void RandInt_OverTheWholeLongRange_StaysInRange()
    {
        var random = new PythonRandom(3);

        Assert.DoesNotThrow(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                random.RandInt(long.MinValue, long.MaxValue);
            }
        });
    }

    [Test]
    public void EmptyRanges_AndNegativeBitCounts_AreRejectedWithTheBoundsInTheMessage()
    {
        var random = new PythonRandom(0);

        Assert.Multiple(() =>
        {
            var randint = Assert.Throws<ArgumentOutOfRangeException>(() => random.RandInt(3, 1));
            Assert.That(randint!.Message, Does.Contain("randint(3, 1)").And.Contain("at least the lower bound 3"));
            Assert.That(randint.ParamName, Is.EqualTo("b"));
            var randrange = Assert.Throws<ArgumentOutOfRangeException>(() => random.RandRange(2, 2));
            Assert.That(randrange!.Message, Does.Contain("randrange(2, 2)").And.Contain("stop must be greater than start"));
            var bits = Assert.Throws<ArgumentOutOfRangeException>(() => random.GetRandBits(-1));
            Assert.That(bits!.Message, Does.Contain("0 or more"));
        });
    }
}
