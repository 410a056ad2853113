using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Builds the <see cref="CandidateBatch"/> of a mini-batch for sampled / in-batch softmax:
/// <list type="bullet">
/// <item><b>InBatch</b> (S = 0): the negatives of row b are the other rows' positives; Q = item frequency in the
/// training data (sampling-bias-corrected in-batch softmax, Yi et al. 2019).</item>
/// <item><b>Mixed</b>: in-batch plus S shared negatives drawn from a popularity^α / uniform sampler (Yang et al. 2020);
/// Q(i) = (B·freq(i) + S·Q_shared(i)) / (B + S), the probability that a candidate slot holds i.</item>
/// <item><b>Shared only</b> (uniform or popularity sampled softmax): every row sees its own positive and the S
/// shared negatives; the other rows' positives are masked; Q = Q_shared.</item>
/// </list>
/// Accidental hits (a candidate equal to the row's positive, or in the row user's history when one is given) are
/// masked, never redrawn, because shared candidates serve every row.
/// </summary>
public sealed class BatchCandidateSampler
{
    // Floor of Q in log Q: a batch positive the proposal cannot draw (Q = 0, e.g. an item absent from the counts)
    // gets a large finite correction instead of −∞.
    private const double MinProbability = 1e-12;

    /// <summary>Creates the sampler.</summary>
    /// <param name="itemFrequency">Item frequency in the training data (the in-batch proposal); required when
    /// <paramref name="useInBatchNegatives"/>.</param>
    /// <param name="shared">Proposal of the shared negatives; required when <paramref name="sharedCount"/> &gt; 0.</param>
    /// <param name="sharedCount">S, shared negatives per batch.</param>
    /// <param name="useInBatchNegatives">Whether the other rows' positives are negatives of a row.</param>
    /// <param name="removeAccidentalHits">Mask candidates equal to the row's positive.</param>
    /// <param name="excludedHistory">Optional history; a row's user's items are masked.</param>
    /// <exception cref="ArgumentException">A needed distribution is missing, catalogs differ, or no negative would remain.</exception>
    public BatchCandidateSampler(ItemDistribution? itemFrequency, ItemDistribution? shared, int sharedCount,
        bool useInBatchNegatives, bool removeAccidentalHits = true, UserItemMatrix? excludedHistory = null)
    {
        if (sharedCount < 0)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.SharedNegatives), sharedCount, "SharedNegatives must be ≥ 0.");
        if (useInBatchNegatives && itemFrequency == null)
            throw new ArgumentException("In-batch negatives need the item frequency distribution (for log Q).", nameof(itemFrequency));
        if (sharedCount > 0 && shared == null)
            throw new ArgumentException($"{sharedCount} shared negatives need a shared proposal distribution.", nameof(shared));
        if (!useInBatchNegatives && sharedCount == 0)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.SharedNegatives), sharedCount,
                "Without in-batch negatives, SharedNegatives must be positive or no row has a negative.");
        int itemCount = (itemFrequency ?? shared)!.ItemCount;
        if (itemFrequency != null && shared != null && shared.ItemCount != itemCount)
            throw new ArgumentException($"The in-batch and shared distributions cover {itemCount} and {shared.ItemCount} items; use one item key space.");
        if (excludedHistory != null && excludedHistory.ItemCount != itemCount)
            throw new ArgumentException($"The excluded history covers {excludedHistory.ItemCount} items but the catalog has {itemCount}.", nameof(excludedHistory));
        ItemFrequency = itemFrequency;
        Shared = shared;
        SharedCount = sharedCount;
        UsesInBatchNegatives = useInBatchNegatives;
        RemoveAccidentalHits = removeAccidentalHits;
        ExcludedHistory = excludedHistory;
        ItemCount = itemCount;
    }

    /// <summary>Number of items in the catalog.</summary>
    public int ItemCount { get; }
    /// <summary>The in-batch proposal (item frequency), or null.</summary>
    public ItemDistribution? ItemFrequency { get; }
    /// <summary>The proposal of the shared negatives, or null.</summary>
    public ItemDistribution? Shared { get; }
    /// <summary>S, shared negatives per batch.</summary>
    public int SharedCount { get; }
    /// <summary>Whether the other rows' positives are negatives.</summary>
    public bool UsesInBatchNegatives { get; }
    /// <summary>Whether candidates equal to the row's positive are masked.</summary>
    public bool RemoveAccidentalHits { get; }
    /// <summary>History whose items are masked for their user, or null.</summary>
    public UserItemMatrix? ExcludedHistory { get; }

    /// <summary>
    /// Q(i) of a candidate slot in a batch of <paramref name="batchSize"/> rows (see the class summary); sums to 1.
    /// </summary>
    public double Probability(int item, int batchSize)
    {
        if (!UsesInBatchNegatives) return Shared!.Probability(item);
        if (SharedCount == 0) return ItemFrequency!.Probability(item);
        return (batchSize * ItemFrequency!.Probability(item) + SharedCount * Shared!.Probability(item)) / (batchSize + SharedCount);
    }

    /// <summary>
    /// Fills <paramref name="batch"/> for the positives (<paramref name="users"/>[b], <paramref name="items"/>[b]),
    /// b in [0, B); the S shared negatives are drawn from <paramref name="rng"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty, or an index is out of range.</exception>
    public void Sample(ReadOnlySpan<int> users, ReadOnlySpan<int> items, Random rng, CandidateBatch batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(batch);
        if (users.Length != items.Length || users.Length == 0)
            throw new ArgumentException($"A batch needs as many users as items and at least one row, but has {users.Length} users and {items.Length} items.");
        int b = users.Length;
        batch.Reset(b, SharedCount);
        var candidates = batch.WritableCandidates;
        for (int r = 0; r < b; r++)
        {
            if ((uint)items[r] >= (uint)ItemCount)
                throw new ArgumentException($"Row {r}: item {items[r]} is outside the catalog [0, {ItemCount}).", nameof(items));
            candidates[r] = items[r];
        }
        for (int s = 0; s < SharedCount; s++) candidates[b + s] = Shared!.Draw(rng);

        var logQ = batch.WritableLogQ;
        for (int c = 0; c < candidates.Length; c++)
            logQ[c] = (float)Math.Log(Math.Max(Probability(candidates[c], b), MinProbability));

        bool anyMasked = false;
        if (!UsesInBatchNegatives)
        {
            for (int r = 0; r < b; r++)
            {
                var mask = batch.WritableMaskRow(r);
                mask[..b].Fill(true);
                mask[r] = false;
            }
            anyMasked = b > 1;
        }
        if (RemoveAccidentalHits || ExcludedHistory != null)
            anyMasked |= MaskHits(users, items, candidates, batch);
        batch.HasMaskedEntries = anyMasked;
    }

    // Masks, per row r, every candidate c ≠ r equal to the row's positive or in the row user's history. Candidates
    // are found through item → positions chains built once per batch, so the cost is B + C plus the histories'
    // lengths, not B·C look-ups.
    private bool MaskHits(ReadOnlySpan<int> users, ReadOnlySpan<int> items, ReadOnlySpan<int> candidates, CandidateBatch batch)
    {
        int b = users.Length, c = candidates.Length;
        var (first, next) = batch.PositionChains(ItemCount, c);
        for (int j = c - 1; j >= 0; j--)
        {
            next[j] = first[candidates[j]];
            first[candidates[j]] = j;
        }
        bool any = false;
        for (int r = 0; r < b; r++)
        {
            var mask = batch.WritableMaskRow(r);
            if (RemoveAccidentalHits) any |= MaskItem(items[r], r, first, next, mask);
            int user = users[r];
            if (ExcludedHistory != null && (uint)user < (uint)ExcludedHistory.UserCount)
                foreach (int item in ExcludedHistory.ItemsOf(user)) any |= MaskItem(item, r, first, next, mask);
        }
        for (int j = 0; j < c; j++) first[candidates[j]] = -1;
        return any;
    }

    private static bool MaskItem(int item, int row, int[] first, int[] next, Span<bool> mask)
    {
        bool any = false;
        for (int j = first[item]; j >= 0; j = next[j])
            if (j != row) { mask[j] = true; any = true; }
        return any;
    }
}
