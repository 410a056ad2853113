namespace MLNetRecExtensions.Data;

/// <summary>
/// The Mersenne Twister MT19937 (Matsumoto &amp; Nishimura 1998) as numpy's legacy <c>RandomState(seed)</c> runs it:
/// seeded with <c>init_genrand(seed)</c> and drawing doubles with <c>genrand_res53</c>, so
/// <see cref="NextDouble"/> returns numpy's <c>RandomState(seed).random_sample()</c> sequence bit for bit.
/// Not thread-safe.
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908b0dfu, UpperMask = 0x80000000u, LowerMask = 0x7fffffffu;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>Seeds with <c>init_genrand(seed)</c>.</summary>
    public Mt19937(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    /// <summary>The next 32-bit output (<c>genrand_int32</c>).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A double in [0, 1) with 53 random bits (<c>genrand_res53</c>): (a·2^26 + b) / 2^53, a = 27 bits, b = 26 bits.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void Twist()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (_mt[k] & UpperMask) | (_mt[(k + 1) % N] & LowerMask);
            _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }
        _index = 0;
    }
}
