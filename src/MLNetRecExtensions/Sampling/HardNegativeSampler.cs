using System.Buffers;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Hard negatives: draws a pool of <see cref="PoolSize"/> candidates from a base sampler (which already removes
/// accidental hits), scores them with a caller-supplied <see cref="HardNegativeScorer"/> and keeps the highest-scoring
/// ones. The pool is drawn with replacement, so a frequent item can be kept more than once.
/// </summary>
public sealed class HardNegativeSampler : INegativeSampler
{
    private readonly INegativeSampler _pool;
    private readonly HardNegativeScorer _scorer;

    /// <summary>Creates the sampler.</summary>
    /// <param name="pool">Draws the candidate pool.</param>
    /// <param name="poolSize">Candidates drawn per positive; must be ≥ the number of negatives asked for.</param>
    /// <param name="scorer">Scores the pool; the top-scoring candidates are returned.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="poolSize"/> is not positive.</exception>
    public HardNegativeSampler(INegativeSampler pool, int poolSize, HardNegativeScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(scorer);
        if (poolSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.HardPoolSize), poolSize, "HardPoolSize must be positive.");
        _pool = pool;
        PoolSize = poolSize;
        _scorer = scorer;
    }

    /// <summary>Candidates drawn and scored per positive.</summary>
    public int PoolSize { get; }

    /// <inheritdoc />
    public int ItemCount => _pool.ItemCount;

    /// <summary>The pool's proposal Q; hard negatives themselves follow no fixed distribution.</summary>
    public double Probability(int item) => _pool.Probability(item);

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">More negatives are asked for than <see cref="PoolSize"/>.</exception>
    public void Sample(int user, int positiveItem, Span<int> negatives, Random rng)
    {
        if (negatives.Length > PoolSize)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.HardPoolSize), PoolSize,
                $"HardPoolSize ({PoolSize}) must be at least the number of negatives per positive ({negatives.Length}).");
        var candidates = ArrayPool<int>.Shared.Rent(PoolSize);
        var scores = ArrayPool<float>.Shared.Rent(PoolSize);
        try
        {
            var pool = candidates.AsSpan(0, PoolSize);
            var poolScores = scores.AsSpan(0, PoolSize);
            _pool.Sample(user, positiveItem, pool, rng);
            _scorer(user, pool, poolScores);
            // Selection of the top negatives.Length by score; ties keep the earlier draw.
            for (int k = 0; k < negatives.Length; k++)
            {
                int best = k;
                for (int j = k + 1; j < pool.Length; j++)
                    if (poolScores[j] > poolScores[best]) best = j;
                (pool[k], pool[best]) = (pool[best], pool[k]);
                (poolScores[k], poolScores[best]) = (poolScores[best], poolScores[k]);
                negatives[k] = pool[k];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(candidates);
            ArrayPool<float>.Shared.Return(scores);
        }
    }
}
