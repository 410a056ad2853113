namespace MLNetRecExtensions.Sampling;

/// <summary>Where negatives come from.</summary>
public enum NegativeSamplingStrategy
{
    /// <summary>Uniform over the catalog.</summary>
    Uniform,
    /// <summary>Q(i) ∝ count(i)^Alpha (word2vec's unigram^0.75 with Alpha = 0.75), drawn from an alias table.</summary>
    Popularity,
    /// <summary>
    /// The other positives of the mini-batch; Q(i) = item frequency. Per row (without a batch), negatives are drawn
    /// from the item frequency, which is the distribution of an in-batch negative of a shuffled batch.
    /// </summary>
    InBatch,
    /// <summary>
    /// In-batch plus SharedNegatives drawn from popularity^Alpha for the whole batch (mixed negative sampling).
    /// Per row, negatives are drawn from the candidate mixture (BatchSize·freq + SharedNegatives·Q_Alpha) / (BatchSize + SharedNegatives).
    /// </summary>
    Mixed,
    /// <summary>The top-scoring HardPoolSize candidates drawn from popularity^Alpha, under HardScorer. Per row only.</summary>
    Hard,
}
