using System.Numerics;
using System.Security.Cryptography;

namespace TorchTutorial.Python;

/// <summary>
/// CPython's <c>random</c> module, bit for bit: the Mersenne Twister MT19937 seeded as <c>random.seed(n)</c> seeds it
/// for an integer <c>n</c>, and the draws built on it (<c>getrandbits</c>, <c>randrange</c>, <c>randint</c>,
/// <c>random</c>), so a C# port of a script that calls <c>random.randint</c> draws the numbers the script draws.
/// </summary>
/// <remarks>
/// <para>
/// <c>random.seed(n)</c> for an int takes <c>|n|</c>, splits it into 32-bit words, least significant first (one zero
/// word for 0), and initialises the generator with MT19937's <c>init_by_array</c>. <c>randint(a, b)</c> is
/// <c>randrange(a, b + 1)</c>, which is <c>a + _randbelow(b + 1 - a)</c>: draw <c>getrandbits(k)</c>, k the bit length
/// of the width, until the draw is below the width. Checked against CPython 3.11 by
/// tests/TorchTutorial.Tests/Python/Fixtures/make_random_fixture.py.
/// </para>
/// <para>Not thread-safe, as one generator's sequence has one order; give each thread its own.</para>
/// </remarks>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] mt = new uint[N];
    private int mti;

    /// <summary>As <c>random.seed(seed)</c>: the generator CPython's <c>random</c> module has after that call.</summary>
    /// <param name="seed">Any integer; negative seeds act as their absolute value, as in CPython.</param>
    public PythonRandom(long seed)
        : this(new BigInteger(seed))
    {
    }

    /// <summary>As <c>random.seed(seed)</c> for an integer of any size, e.g. one above 2⁶⁴.</summary>
    /// <param name="seed">Any integer; negative seeds act as their absolute value, as in CPython.</param>
    public PythonRandom(BigInteger seed)
    {
        Seed(seed);
    }

    /// <summary>
    /// As <c>random.seed()</c> with no argument: seeded from the operating system's random source (CPython reads
    /// 624 words from <c>os.urandom</c>), so every instance draws a different sequence.
    /// </summary>
    public PythonRandom()
    {
        var key = new uint[N];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.AsSpan()));
        InitByArray(key);
    }

    /// <summary>Re-seeds as <c>random.seed(seed)</c>.</summary>
    /// <param name="seed">Any integer; negative seeds act as their absolute value, as in CPython.</param>
    public void Seed(long seed) => Seed(new BigInteger(seed));

    /// <summary>Re-seeds as <c>random.seed(seed)</c> for an integer of any size.</summary>
    /// <param name="seed">Any integer; negative seeds act as their absolute value, as in CPython.</param>
    public void Seed(BigInteger seed)
    {
        // CPython's random_seed: n = abs(arg); key = n as little-endian 32-bit words, at least one.
        var magnitude = BigInteger.Abs(seed);
        byte[] bytes = magnitude.ToByteArray(isUnsigned: true, isBigEndian: false);
        int words = Math.Max(1, (bytes.Length + 3) / 4);
        var key = new uint[words];
        for (int i = 0; i < bytes.Length; i++)
        {
            key[i / 4] |= (uint)bytes[i] << (8 * (i % 4));
        }

        InitByArray(key);
    }

    /// <summary>
    /// As <c>random.getrandbits(k)</c>: a non-negative integer of <paramref name="k"/> random bits, made of 32-bit draws,
    /// the first the least significant (a partial last word keeps its top bits).
    /// </summary>
    /// <param name="k">The number of bits, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public BigInteger GetRandBits(int k)
    {
        if (k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "getrandbits needs a number of bits of 0 or more.");
        }

        if (k <= 32)
        {
            return GetRandBits32(k);
        }

        int words = (k - 1) / 32 + 1;
        var bytes = new byte[words * 4];
        for (int i = 0; i < words; i++, k -= 32)
        {
            uint r = NextUInt32();
            if (k < 32)
            {
                r >>= 32 - k;
            }

            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4, 4), r);
            if (!BitConverter.IsLittleEndian)
            {
                bytes.AsSpan(i * 4, 4).Reverse();
            }
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>
    /// As <c>random.randint(a, b)</c>: a random integer N with <paramref name="a"/> ≤ N ≤ <paramref name="b"/>, drawn as
    /// CPython draws it (<c>randrange(a, b + 1)</c>).
    /// </summary>
    /// <param name="a">The smallest value.</param>
    /// <param name="b">The largest value, at least <paramref name="a"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="b"/> is less than <paramref name="a"/>.</exception>
    public long RandInt(long a, long b)
    {
        if (b < a)
        {
            throw new ArgumentOutOfRangeException(nameof(b), b,
                $"randint({a}, {b}) has an empty range: the upper bound must be at least the lower bound {a} (both are included).");
        }

        return (long)(a + RandBelow((BigInteger)b - a + 1));
    }

    /// <summary>
    /// As <c>random.randrange(start, stop)</c>: a random integer N with <paramref name="start"/> ≤ N &lt;
    /// <paramref name="stop"/>, drawn as CPython draws it (<c>start + _randbelow(stop - start)</c>).
    /// </summary>
    /// <param name="start">The smallest value.</param>
    /// <param name="stop">One past the largest value; greater than <paramref name="start"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stop"/> is not greater than <paramref name="start"/>.</exception>
    public long RandRange(long start, long stop)
    {
        if (stop <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(stop), stop,
                $"randrange({start}, {stop}) has an empty range: stop must be greater than start (stop is excluded).");
        }

        return (long)(start + RandBelow((BigInteger)stop - start));
    }

    /// <summary>As <c>random.random()</c>: a double in [0, 1) with 53 random bits, from two 32-bit draws.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    // CPython's _randbelow_with_getrandbits: k = n.bit_length(); draw getrandbits(k) until it is below n.
    private BigInteger RandBelow(BigInteger n)
    {
        int k = (int)n.GetBitLength();
        BigInteger r = GetRandBits(k);
        while (r >= n)
        {
            r = GetRandBits(k);
        }

        return r;
    }

    private uint GetRandBits32(int k) => k == 0 ? 0 : NextUInt32() >> (32 - k);

    // MT19937's init_genrand.
    private void InitGenRand(uint s)
    {
        mt[0] = s;
        for (mti = 1; mti < N; mti++)
        {
            mt[mti] = unchecked(1812433253U * (mt[mti - 1] ^ (mt[mti - 1] >> 30)) + (uint)mti);
        }
    }

    // MT19937's init_by_array, as CPython's _randommodule.c has it.
    private void InitByArray(uint[] key)
    {
        InitGenRand(19650218U);
        int i = 1;
        int j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                mt[0] = mt[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (int k = N - 1; k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint)i);
            i++;
            if (i >= N)
            {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }

        mt[0] = 0x80000000U;   // the most significant bit is 1, so the initial state is never all zeros
    }

    // MT19937's genrand_uint32: the next 32-bit output, tempered.
    private uint NextUInt32()
    {
        uint y;
        if (mti >= N)
        {
            int kk;
            for (kk = 0; kk < N - M; kk++)
            {
                y = (mt[kk] & UpperMask) | (mt[kk + 1] & LowerMask);
                mt[kk] = mt[kk + M] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            }

            for (; kk < N - 1; kk++)
            {
                y = (mt[kk] & UpperMask) | (mt[kk + 1] & LowerMask);
                mt[kk] = mt[kk + (M - N)] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            }

            y = (mt[N - 1] & UpperMask) | (mt[0] & LowerMask);
            mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ ((y & 1) * MatrixA);
            mti = 0;
        }

        y = mt[mti++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }
}
