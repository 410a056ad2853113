using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>"Recommend for these recent items" in original ids.</summary>
public sealed partial class EmbeddingRecommender<TUser, TItem>
{
    /// <summary>
    /// The top <paramref name="k"/> items for a user known only by <paramref name="recentItems"/> (original ids), without
    /// retraining: the model embeds the history (<see cref="IHistoryEmbeddingModel.EmbedHistory"/>: matrix factorization
    /// folds the user in by the trainer's own least-squares solve, the two-tower runs its user tower on the items).
    /// </summary>
    /// <param name="recentItems">The user's items (repeats allowed); ids the model does not know are ignored.</param>
    /// <param name="k">Number of items (≥ 1).</param>
    /// <param name="weights">Ratings / strengths aligned with <paramref name="recentItems"/>, or null for 1 each
    /// (explicit-rating models need them).</param>
    /// <param name="excludeGiven">Leave the given items out of the result (default true).</param>
    /// <returns>The items best first; <see cref="UserRecommendations{TUser, TItem}.IsColdStart"/> is true — and the items
    /// are <see cref="RecommenderBase{TUser, TItem}.ColdStartItems"/> — when no given item is known to the model, or the
    /// model cannot embed histories (it is not an <see cref="IHistoryEmbeddingModel"/>, or the model's own fallback
    /// answered). <see cref="UserRecommendations{TUser, TItem}.User"/> is <c>default</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or a weight is invalid for the model.</exception>
    /// <exception cref="ArgumentException">The weights differ in length from the items, or an explicit model got none.</exception>
    public UserRecommendations<TUser, TItem> RecommendForItems(IReadOnlyList<TItem> recentItems, int k, IReadOnlyList<float>? weights = null,
        bool excludeGiven = true)
    {
        ArgumentNullException.ThrowIfNull(recentItems);
        CheckK(k);
        if (weights != null && weights.Count != recentItems.Count)
            throw new ArgumentException($"Got {recentItems.Count} items but {weights.Count} weights; pass one weight per item, or null.", nameof(weights));
        var indices = new List<int>();
        var known = new List<float>();
        for (int p = 0; p < recentItems.Count; p++)
        {
            if (recentItems[p] is null) throw new ArgumentNullException(nameof(recentItems), $"recentItems[{p}] is null.");
            if (!Items.TryGetIndex(recentItems[p], out int index)) continue;
            indices.Add(index);
            if (weights != null) known.Add(weights[p]);
        }
        if (indices.Count == 0 || Model is not IHistoryEmbeddingModel history)
            return new UserRecommendations<TUser, TItem>(default!, ColdStartItems(k), IsColdStart: true);
        var query = history.EmbedHistory(indices.ToArray(), known.ToArray());
        if (query.IsFallback)
            return new UserRecommendations<TUser, TItem>(default!, ColdStartItems(k), IsColdStart: true);
        if (!ReferenceEquals(query.ItemTerms, Model.ItemBiases))
            throw new InvalidOperationException("The model's history query ranks with item terms other than its item biases; this recommender's index cannot rank it.");
        var exclude = excludeGiven ? ExclusionRow(indices) : null;
        var result = Index.Search(new EmbeddingTable(1, query.Vector.Length, query.Vector), k, exclude, exclude == null ? null : [0]);
        return new UserRecommendations<TUser, TItem>(default!, ToScored(result.ItemsOf(0), result.ScoresOf(0)), IsColdStart: false);
    }
}
