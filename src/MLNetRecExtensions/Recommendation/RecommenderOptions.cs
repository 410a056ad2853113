namespace MLNetRecExtensions.Recommendation;

/// <summary>Options of the recommenders built by <see cref="Recommender"/>.</summary>
public sealed class RecommenderOptions
{
    /// <summary>
    /// Builds the retrieval index over the item embeddings of an embedding model (and, normalized, for
    /// <see cref="ISimilarItems{TItem}.SimilarItems"/>). Default <see cref="ExactItemIndex.Factory"/> (exact SIMD
    /// search); an approximate index trades recall for speed on large catalogs. Ignored by score-only models.
    /// </summary>
    public IItemIndexFactory IndexFactory { get; set; } = ExactItemIndex.Factory;

    /// <summary>
    /// Users scored per transform call by a score-only model (which scores every (user, unseen item) row through
    /// the transformer). Default 64; lower it for large catalogs to bound memory.
    /// </summary>
    public int PairScoringBatchUsers { get; set; } = 64;
}
