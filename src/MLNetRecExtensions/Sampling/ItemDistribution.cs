namespace MLNetRecExtensions.Sampling;

/// <summary>
/// A fixed probability distribution Q over the item catalog (0-based item indices in [0, <see cref="ItemCount"/>)),
/// drawn in O(1) per draw with Vose's alias method. It is the proposal every sampler strategy draws from and the
/// Q(i) of the log-Q correction (logits of a sampled softmax are corrected by −log Q(i)).
/// </summary>
/// <remarks>
/// Items of weight 0 have Q = 0 and are never drawn. Instances are immutable and safe to share between threads;
/// the caller owns the <see cref="Random"/>.
/// </remarks>
public sealed class ItemDistribution
{
    // Alias table over the support (items of positive weight): draw column c uniformly, keep it with
    // probability _keep[c], otherwise take _alias[c]; _support maps a column back to its item.
    private readonly int[] _support;
    private readonly double[] _keep;
    private readonly int[] _alias;
    private readonly double[] _probability;

    private ItemDistribution(double[] probability, int[] support, double[] keep, int[] alias)
    {
        _probability = probability;
        _support = support;
        _keep = keep;
        _alias = alias;
    }

    /// <summary>Number of items in the catalog.</summary>
    public int ItemCount => _probability.Length;

    /// <summary>Number of items with Q &gt; 0 (the items that can be drawn).</summary>
    public int SupportSize => _support.Length;

    /// <summary>Q(<paramref name="item"/>): the probability that one draw returns the item; sums to 1 over the catalog.</summary>
    public double Probability(int item) => _probability[item];

    /// <summary>Draws one item index from Q (two calls on <paramref name="rng"/>).</summary>
    public int Draw(Random rng)
    {
        int c = rng.Next(_support.Length);
        return rng.NextDouble() < _keep[c] ? _support[c] : _alias[c];
    }

    /// <summary>The uniform distribution over <paramref name="itemCount"/> items.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="itemCount"/> is not positive.</exception>
    public static ItemDistribution Uniform(int itemCount)
    {
        if (itemCount <= 0) throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The catalog must hold at least one item.");
        var weights = new double[itemCount];
        Array.Fill(weights, 1.0);
        return FromWeights(weights);
    }

    /// <summary>
    /// Q(i) ∝ count(i)^<paramref name="alpha"/>, word2vec's unigram^α distribution: α = 0.75 is word2vec's choice,
    /// α = 1 is the item frequency (the distribution of in-batch negatives) and α = 0 is uniform over the whole
    /// catalog (0^0 = 1, so unseen items are included). For α &gt; 0, items of count 0 are never drawn.
    /// </summary>
    /// <param name="itemCounts">Non-negative interaction count (or weight) per item, length = catalog size.</param>
    /// <param name="alpha">Exponent α ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is negative or not finite, or a count is negative or not finite.</exception>
    public static ItemDistribution Popularity(ReadOnlySpan<double> itemCounts, double alpha)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The popularity exponent Alpha must be a finite number ≥ 0 (0 = uniform, 0.75 = word2vec, 1 = item frequency).");
        var weights = new double[itemCounts.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            double c = itemCounts[i];
            if (!(c >= 0) || double.IsInfinity(c))
                throw new ArgumentOutOfRangeException(nameof(itemCounts), c, $"The count of item {i} must be a finite number ≥ 0.");
            weights[i] = alpha == 0 ? 1.0 : Math.Pow(c, alpha);
        }
        return FromWeights(weights);
    }

    /// <summary>
    /// The mixture (w₁·Q₁ + w₂·Q₂)/(w₁ + w₂) of two distributions over the same catalog, e.g. the candidate
    /// distribution of mixed negative sampling: B in-batch candidates from the item frequency plus S shared ones
    /// from a popularity sampler give weights B and S.
    /// </summary>
    /// <exception cref="ArgumentException">The catalogs differ in size or the weights are not positive.</exception>
    public static ItemDistribution Mixture(ItemDistribution first, double firstWeight, ItemDistribution second, double secondWeight)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.ItemCount != second.ItemCount)
            throw new ArgumentException($"Both distributions must cover the same catalog, but have {first.ItemCount} and {second.ItemCount} items.");
        if (!(firstWeight >= 0) || !(secondWeight >= 0) || !(firstWeight + secondWeight > 0) || double.IsInfinity(firstWeight + secondWeight))
            throw new ArgumentException($"Mixture weights must be finite, ≥ 0 and not both 0, but are {firstWeight} and {secondWeight}.");
        var weights = new double[first.ItemCount];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = firstWeight * first._probability[i] + secondWeight * second._probability[i];
        return FromWeights(weights);
    }

    /// <summary>Q(i) = weights[i] / Σ weights, built with Vose's alias method in O(n).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite, or all weights are 0.</exception>
    public static ItemDistribution FromWeights(ReadOnlySpan<double> weights)
    {
        double total = 0;
        int supportSize = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            if (!(w >= 0) || double.IsInfinity(w))
                throw new ArgumentOutOfRangeException(nameof(weights), w, $"The weight of item {i} must be a finite number ≥ 0.");
            total += w;
            if (w > 0) supportSize++;
        }
        if (!(total > 0) || double.IsInfinity(total))
            throw new ArgumentOutOfRangeException(nameof(weights), total,
                $"The item weights of the {weights.Length}-item catalog sum to {total}; at least one item must have a positive count.");

        var probability = new double[weights.Length];
        var support = new int[supportSize];
        for (int i = 0, s = 0; i < weights.Length; i++)
        {
            probability[i] = weights[i] / total;
            if (weights[i] > 0) support[s++] = i;
        }

        // Vose: scale to mean 1, pair every under-full column with an over-full one that donates the rest.
        int n = supportSize;
        var keep = new double[n];
        var alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int c = 0; c < n; c++)
        {
            scaled[c] = probability[support[c]] * n;
            (scaled[c] < 1 ? small : large).Push(c);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            keep[s] = scaled[s];
            alias[s] = support[l];
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        // What is left is full up to rounding error.
        while (large.Count > 0) { int c = large.Pop(); keep[c] = 1; alias[c] = support[c]; }
        while (small.Count > 0) { int c = small.Pop(); keep[c] = 1; alias[c] = support[c]; }
        return new ItemDistribution(probability, support, keep, alias);
    }
}
