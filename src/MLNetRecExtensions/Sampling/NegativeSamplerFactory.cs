using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Builds samplers from <see cref="NegativeSamplerOptions"/> and the training item counts: a per-row
/// <see cref="INegativeSampler"/> (pointwise learners, the pipeline transform) or a <see cref="BatchCandidateSampler"/>
/// (sampled / in-batch softmax).
/// </summary>
public static class NegativeSamplerFactory
{
    /// <summary>Interaction count per item: counts[i] = occurrences of i in <paramref name="items"/> (0-based).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An item lies outside [0, <paramref name="itemCount"/>).</exception>
    public static double[] CountItems(ReadOnlySpan<int> items, int itemCount)
    {
        if (itemCount <= 0) throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The catalog must hold at least one item.");
        var counts = new double[itemCount];
        for (int r = 0; r < items.Length; r++)
        {
            if ((uint)items[r] >= (uint)itemCount)
                throw new ArgumentOutOfRangeException(nameof(items), items[r], $"Row {r}: item {items[r]} is outside [0, {itemCount}).");
            counts[items[r]]++;
        }
        return counts;
    }

    /// <summary>
    /// A per-row sampler: Uniform / Popularity draw from uniform / count^Alpha; InBatch from the item frequency;
    /// Mixed from (BatchSize·freq + SharedNegatives·count^Alpha) / (BatchSize + SharedNegatives); Hard keeps the
    /// top NegativesPerPositive of HardPoolSize draws from count^Alpha under HardScorer.
    /// </summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="itemCounts">Training interaction count per item (length = catalog size).</param>
    /// <param name="history">Training history; required when <see cref="NegativeSamplerOptions.ExcludeUserHistory"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static INegativeSampler Create(NegativeSamplerOptions options, ReadOnlySpan<double> itemCounts, UserItemMatrix? history = null)
    {
        Validate(options, itemCounts, history);
        var excluded = options.ExcludeUserHistory ? history : null;
        var sampler = new NegativeSampler(PerRowDistribution(options, itemCounts), options.RemoveAccidentalHits, excluded);
        return options.Strategy == NegativeSamplingStrategy.Hard
            ? new HardNegativeSampler(sampler, options.HardPoolSize, options.HardScorer!)
            : sampler;
    }

    /// <summary>
    /// A batch sampler: InBatch (S = 0, Q = frequency), Mixed (in-batch + SharedNegatives from count^Alpha),
    /// Uniform / Popularity (SharedNegatives shared negatives only, other rows' positives masked).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the strategy is Hard (per-row only).</exception>
    public static BatchCandidateSampler CreateBatch(NegativeSamplerOptions options, ReadOnlySpan<double> itemCounts, UserItemMatrix? history = null)
    {
        Validate(options, itemCounts, history);
        var excluded = options.ExcludeUserHistory ? history : null;
        return options.Strategy switch
        {
            NegativeSamplingStrategy.InBatch => new BatchCandidateSampler(ItemDistribution.Popularity(itemCounts, 1), null, 0, true, options.RemoveAccidentalHits, excluded),
            NegativeSamplingStrategy.Mixed => new BatchCandidateSampler(ItemDistribution.Popularity(itemCounts, 1), ItemDistribution.Popularity(itemCounts, options.Alpha),
                options.SharedNegatives, true, options.RemoveAccidentalHits, excluded),
            NegativeSamplingStrategy.Uniform => new BatchCandidateSampler(null, ItemDistribution.Uniform(itemCounts.Length), options.SharedNegatives, false, options.RemoveAccidentalHits, excluded),
            NegativeSamplingStrategy.Popularity => new BatchCandidateSampler(null, ItemDistribution.Popularity(itemCounts, options.Alpha), options.SharedNegatives, false, options.RemoveAccidentalHits, excluded),
            _ => throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.Strategy), options.Strategy,
                "Hard negatives are chosen per row; use NegativeSamplerFactory.Create, or mine hard negatives on the batch logits."),
        };
    }

    private static ItemDistribution PerRowDistribution(NegativeSamplerOptions options, ReadOnlySpan<double> itemCounts) => options.Strategy switch
    {
        NegativeSamplingStrategy.Uniform => ItemDistribution.Uniform(itemCounts.Length),
        NegativeSamplingStrategy.Popularity or NegativeSamplingStrategy.Hard => ItemDistribution.Popularity(itemCounts, options.Alpha),
        NegativeSamplingStrategy.InBatch => ItemDistribution.Popularity(itemCounts, 1),
        NegativeSamplingStrategy.Mixed => ItemDistribution.Mixture(ItemDistribution.Popularity(itemCounts, 1), options.BatchSize,
            ItemDistribution.Popularity(itemCounts, options.Alpha), options.SharedNegatives),
        _ => throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.Strategy), options.Strategy, "Unknown negative sampling strategy."),
    };

    /// <summary>Checks <paramref name="options"/> against a catalog of <paramref name="itemCounts"/>.Length items.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void Validate(NegativeSamplerOptions options, ReadOnlySpan<double> itemCounts, UserItemMatrix? history = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        int positive = 0;
        foreach (var c in itemCounts)
        {
            if (!(c >= 0) || double.IsInfinity(c))
                throw new ArgumentOutOfRangeException(nameof(itemCounts), c, "Item counts must be finite and ≥ 0.");
            if (c > 0) positive++;
        }
        if (positive == 0)
            throw new ArgumentOutOfRangeException(nameof(itemCounts), $"All {itemCounts.Length} item counts are 0; the sampler needs training interactions.");
        // The smallest set of items any strategy can draw from: its support.
        int support = options.Strategy == NegativeSamplingStrategy.Uniform || (options.Alpha == 0 && options.Strategy is NegativeSamplingStrategy.Popularity or NegativeSamplingStrategy.Hard)
            ? itemCounts.Length
            : positive;
        if (options.RemoveAccidentalHits && support < 2)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.RemoveAccidentalHits), support,
                $"With RemoveAccidentalHits on, the sampler needs at least 2 drawable items, but the catalog has {itemCounts.Length} item(s) and {positive} with interactions. " +
                "Use more items, or turn RemoveAccidentalHits off.");
        if (options.ExcludeUserHistory && history == null)
            throw new ArgumentOutOfRangeException(nameof(NegativeSamplerOptions.ExcludeUserHistory), true,
                "ExcludeUserHistory is on but no user history (UserItemMatrix) was given.");
        if (history != null && history.ItemCount != itemCounts.Length)
            throw new ArgumentOutOfRangeException(nameof(history), history.ItemCount, $"The history covers {history.ItemCount} items but there are {itemCounts.Length} item counts.");
    }

    /// <summary>Checks the catalog-independent options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ValidateOptions(NegativeSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Strategy))
            throw new ArgumentOutOfRangeException(nameof(options.Strategy), options.Strategy, "Unknown negative sampling strategy.");
        if (!(options.Alpha >= 0) || double.IsInfinity(options.Alpha))
            throw new ArgumentOutOfRangeException(nameof(options.Alpha), options.Alpha, "Alpha must be a finite number ≥ 0 (0 = uniform, 0.75 = word2vec, 1 = item frequency).");
        if (options.NegativesPerPositive < 1)
            throw new ArgumentOutOfRangeException(nameof(options.NegativesPerPositive), options.NegativesPerPositive, "NegativesPerPositive must be ≥ 1.");
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options.BatchSize), options.BatchSize, "BatchSize must be ≥ 1.");
        if (options.SharedNegatives < (options.Strategy == NegativeSamplingStrategy.Mixed ? 1 : 0))
            throw new ArgumentOutOfRangeException(nameof(options.SharedNegatives), options.SharedNegatives,
                $"SharedNegatives must be ≥ {(options.Strategy == NegativeSamplingStrategy.Mixed ? 1 : 0)} for the {options.Strategy} strategy.");
        if (options.Strategy == NegativeSamplingStrategy.Hard)
        {
            if (options.HardScorer == null)
                throw new ArgumentOutOfRangeException(nameof(options.HardScorer), null, "The Hard strategy needs a HardScorer that scores a user's candidate pool.");
            if (options.HardPoolSize < options.NegativesPerPositive)
                throw new ArgumentOutOfRangeException(nameof(options.HardPoolSize), options.HardPoolSize,
                    $"HardPoolSize must be ≥ NegativesPerPositive ({options.NegativesPerPositive}).");
        }
    }
}
