namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Draws negative items for one positive (user, item) pair. Users and items are 0-based indices (ML.NET key − 1).
/// Implementations are immutable after construction and thread-safe given one <see cref="Random"/> per thread;
/// the same <see cref="Random"/> seed gives the same draws.
/// </summary>
public interface INegativeSampler
{
    /// <summary>Number of items in the catalog; sampled items lie in [0, ItemCount).</summary>
    int ItemCount { get; }

    /// <summary>
    /// Q(<paramref name="item"/>): the probability that one candidate slot of this strategy holds the item, before
    /// accidental-hit removal. Sums to 1 over the catalog. A sampled-softmax trainer subtracts log Q(i) from the
    /// logit of candidate i (the log-Q or sampling-bias correction).
    /// </summary>
    double Probability(int item);

    /// <summary>
    /// Fills <paramref name="negatives"/> with negative items for the positive pair (<paramref name="user"/>,
    /// <paramref name="positiveItem"/>), drawn with replacement. With accidental-hit removal, no negative equals the
    /// positive (nor, when the user history is excluded, any item the user interacted with).
    /// </summary>
    /// <exception cref="InvalidOperationException">Every item the sampler can draw is excluded for this pair.</exception>
    void Sample(int user, int positiveItem, Span<int> negatives, Random rng);
}
