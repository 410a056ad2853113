using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The shared negatives of GRU4Rec: N_A items per mini-batch step drawn from <see cref="ItemDistribution"/>
/// (support^α), served from a large prefilled store that is refilled in one go when used up, as the official code's
/// sample cache does, so sampling stays off the hot path.
/// </summary>
internal sealed class SampleStore
{
    private readonly ItemDistribution _distribution;
    private readonly Random _rng;
    private readonly int[] _store;
    private readonly int[] _slot;
    private int _next;

    /// <param name="distribution">The proposal.</param>
    /// <param name="samplesPerStep">N_A ≥ 1.</param>
    /// <param name="cacheSize">Draws kept; rounded down to whole steps, at least one step.</param>
    /// <param name="rng">Owned by the store.</param>
    public SampleStore(ItemDistribution distribution, int samplesPerStep, int cacheSize, Random rng)
    {
        _distribution = distribution;
        _rng = rng;
        SamplesPerStep = samplesPerStep;
        _store = new int[Math.Max(1, cacheSize / samplesPerStep) * samplesPerStep];
        _slot = new int[distribution.ItemCount];
        Array.Fill(_slot, -1);
        Refill();
    }

    public int SamplesPerStep { get; }

    /// <summary>Number of times the store was (re)filled.</summary>
    public int Fills { get; private set; }

    /// <summary>The next step's N_A samples (valid until the next call).</summary>
    public ReadOnlySpan<int> Next()
    {
        if (_next + SamplesPerStep > _store.Length) Refill();
        var span = _store.AsSpan(_next, SamplesPerStep);
        _next += SamplesPerStep;
        return span;
    }

    /// <summary>
    /// The next step's N_A samples, deduplicated: the distinct items in first-draw order into <paramref name="items"/>
    /// and how often each was drawn into <paramref name="counts"/> (both ≥ N_A long); returns the number of distinct
    /// items. Consumes the same draws as <see cref="Next"/>.
    /// </summary>
    public int NextDistinct(Span<int> items, Span<float> counts)
    {
        var draws = Next();
        int distinct = 0;
        foreach (int item in draws)
        {
            int k = _slot[item];
            if (k < 0)
            {
                k = distinct++;
                _slot[item] = k;
                items[k] = item;
                counts[k] = 0f;
            }
            counts[k] += 1f;
        }
        for (int k = 0; k < distinct; k++) _slot[items[k]] = -1;
        return distinct;
    }

    private void Refill()
    {
        for (int i = 0; i < _store.Length; i++) _store[i] = _distribution.Draw(_rng);
        _next = 0;
        Fills++;
    }
}
