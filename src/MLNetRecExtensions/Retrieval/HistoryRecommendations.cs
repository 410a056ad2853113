using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>"Recommend for these recent items": top-K of the whole catalog for a user known only by a history.</summary>
public static class HistoryRecommendations
{
    /// <summary>
    /// Embeds the history with <see cref="IHistoryEmbeddingModel.EmbedHistory"/> and returns the <paramref name="k"/>
    /// best items (one query row of 0-based item indices, best first, padded with −1 when the catalog runs out).
    /// </summary>
    /// <param name="model">Any history-embedding model (matrix factorization, two-tower).</param>
    /// <param name="items">0-based item indices of the history.</param>
    /// <param name="weights">Ratings / strengths aligned with <paramref name="items"/>, or empty for 1 each.</param>
    /// <param name="k">Number of items to return (≥ 1).</param>
    /// <param name="excludeHistory">Leave the history's items out of the result (default true).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1, or an item or weight is invalid.</exception>
    public static TopKResult Recommend(IHistoryEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> weights, int k,
        bool excludeHistory = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return Recommend(model.EmbedHistory(items, weights), model.ItemEmbeddings, items, k, excludeHistory);
    }

    /// <summary>
    /// The <paramref name="k"/> best items of <paramref name="catalog"/> for an already embedded history
    /// <paramref name="query"/> (e.g. <c>MatrixFactorizationModel.EmbedHistory(items, weights, popularityPriorWeight)</c>):
    /// item <c>i</c> scores <c>query.Vector · catalog[i] + query.ItemTerms[i]</c>; <paramref name="items"/> are left out
    /// when <paramref name="excludeHistory"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1, or the query's length differs from the catalog's dimension.</exception>
    public static TopKResult Recommend(HistoryEmbedding query, EmbeddingTable catalog, ReadOnlySpan<int> items, int k, bool excludeHistory = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (query.Vector.Length != catalog.Dimension)
            throw new ArgumentOutOfRangeException(nameof(query), query.Vector.Length, $"The query has {query.Vector.Length} dimensions but the catalog {catalog.Dimension}.");
        var options = new TopKOptions { ItemBiases = query.ItemTerms, MaxDegreeOfParallelism = 1 };
        if (excludeHistory && items.Length > 0)
        {
            var seen = new InteractionData(1, catalog.Count, new int[items.Length], items.ToArray(), Enumerable.Repeat(1f, items.Length).ToArray());
            options.Exclude = UserItemMatrix.FromInteractions(seen);
        }
        return ExactTopK.Search(new EmbeddingTable(1, catalog.Dimension, query.Vector), catalog, k, options);
    }
}
