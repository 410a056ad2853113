using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Draws negatives i.i.d. from a fixed <see cref="ItemDistribution"/> Q (uniform, popularity^α, item frequency or a
/// mixture) and removes accidental hits by rejection: an excluded draw is redrawn, so the negatives follow Q
/// conditioned on not being excluded. Excluded are the positive item (when <see cref="RemoveAccidentalHits"/>) and,
/// when a user history is given, every item the user interacted with.
/// </summary>
public sealed class NegativeSampler : INegativeSampler
{
    // After this many rejected draws in a row the sampler switches to an exact O(ItemCount) draw from what is left.
    private const int MaxRejections = 32;

    /// <summary>Creates the sampler.</summary>
    /// <param name="distribution">The proposal Q.</param>
    /// <param name="removeAccidentalHits">Never return the positive item itself.</param>
    /// <param name="excludedHistory">Optional users × items history; a user's items are never returned as their
    /// negatives. Users outside [0, UserCount) of the matrix have no history.</param>
    /// <exception cref="ArgumentException">The history has another item count than the distribution.</exception>
    public NegativeSampler(ItemDistribution distribution, bool removeAccidentalHits = true, UserItemMatrix? excludedHistory = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (excludedHistory != null && excludedHistory.ItemCount != distribution.ItemCount)
            throw new ArgumentException(
                $"The excluded history covers {excludedHistory.ItemCount} items but the sampler's catalog has {distribution.ItemCount}; build both from the same item key space.",
                nameof(excludedHistory));
        Distribution = distribution;
        RemoveAccidentalHits = removeAccidentalHits;
        ExcludedHistory = excludedHistory;
    }

    /// <summary>The proposal Q the negatives are drawn from.</summary>
    public ItemDistribution Distribution { get; }

    /// <summary>True when a negative never equals its positive.</summary>
    public bool RemoveAccidentalHits { get; }

    /// <summary>The user history whose items are never negatives of that user, or null.</summary>
    public UserItemMatrix? ExcludedHistory { get; }

    /// <inheritdoc />
    public int ItemCount => Distribution.ItemCount;

    /// <inheritdoc />
    public double Probability(int item) => Distribution.Probability(item);

    /// <summary>True when <paramref name="item"/> may not be a negative of the pair.</summary>
    public bool IsExcluded(int user, int positiveItem, int item) =>
        (RemoveAccidentalHits && item == positiveItem)
        || (ExcludedHistory != null && (uint)user < (uint)ExcludedHistory.UserCount && ExcludedHistory.Contains(user, item));

    /// <inheritdoc />
    public void Sample(int user, int positiveItem, Span<int> negatives, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        bool filter = RemoveAccidentalHits || ExcludedHistory != null;
        for (int k = 0; k < negatives.Length; k++)
            negatives[k] = filter ? DrawAccepted(user, positiveItem, rng) : Distribution.Draw(rng);
    }

    private int DrawAccepted(int user, int positiveItem, Random rng)
    {
        for (int attempt = 0; attempt < MaxRejections; attempt++)
        {
            int item = Distribution.Draw(rng);
            if (!IsExcluded(user, positiveItem, item)) return item;
        }
        return DrawFromRemainder(user, positiveItem, rng);
    }

    // Exact draw from Q restricted to the allowed items; rejection and this fallback both yield Q | allowed.
    private int DrawFromRemainder(int user, int positiveItem, Random rng)
    {
        double mass = 0;
        for (int i = 0; i < ItemCount; i++)
            if (!IsExcluded(user, positiveItem, i)) mass += Distribution.Probability(i);
        if (!(mass > 0))
            throw new InvalidOperationException(
                $"No negative can be drawn for user {user} and positive item {positiveItem}: every item the sampler can draw " +
                $"({Distribution.SupportSize} of {ItemCount}) is the positive or in the user's history. Turn off ExcludeUserHistory, " +
                "or drop users who interacted with the whole catalog.");
        double u = rng.NextDouble() * mass;
        int last = -1;
        for (int i = 0; i < ItemCount; i++)
        {
            if (Distribution.Probability(i) == 0 || IsExcluded(user, positiveItem, i)) continue;
            last = i;
            u -= Distribution.Probability(i);
            if (u < 0) return i;
        }
        return last;
    }
}
