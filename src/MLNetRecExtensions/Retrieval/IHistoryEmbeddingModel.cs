namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// An <see cref="IEmbeddingModel"/> that can embed a user known only by a few items (a new user who has just clicked
/// some products, or a known user with fresh interactions) without retraining: matrix factorization folds the user
/// in by the trainer's own least-squares solve, the two-tower model runs its user tower on the items as history.
/// <see cref="HistoryRecommendations.Recommend(IHistoryEmbeddingModel, ReadOnlySpan{int}, ReadOnlySpan{float}, int, bool)"/> ranks the catalog for such a user.
/// </summary>
public interface IHistoryEmbeddingModel : IEmbeddingModel
{
    /// <summary>
    /// The ranking query of a user whose only known interactions are <paramref name="items"/> (0-based item indices,
    /// ML.NET key − 1; repeats allowed) with optional <paramref name="weights"/> (aligned with the items: ratings for
    /// explicit models, strengths for implicit ones; empty means 1 each). An empty history gives the model's documented
    /// fallback (<see cref="HistoryEmbedding.IsFallback"/> is true).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside the catalog or a weight is invalid (the message names its position).</exception>
    /// <exception cref="ArgumentException">The weights are not empty and differ in length from the items.</exception>
    HistoryEmbedding EmbedHistory(ReadOnlySpan<int> items, ReadOnlySpan<float> weights);
}

/// <summary>
/// A user query built from a history: item <c>i</c> scores <c>Vector · ItemEmbeddings[i] + ItemTerms[i]</c>
/// (<see cref="ItemTerms"/> null means no per-item term).
/// </summary>
public sealed class HistoryEmbedding
{
    /// <summary>Creates the query.</summary>
    /// <param name="vector">The user vector, of the model's embedding dimension (not copied).</param>
    /// <param name="itemTerms">Per-item additive term (length = items), or null.</param>
    /// <param name="isFallback">True when the history could not be used and the model's fallback answers.</param>
    public HistoryEmbedding(float[] vector, float[]? itemTerms, bool isFallback)
    {
        ArgumentNullException.ThrowIfNull(vector);
        Vector = vector;
        ItemTerms = itemTerms;
        IsFallback = isFallback;
    }

    /// <summary>The user vector (length = the model's embedding dimension).</summary>
    public float[] Vector { get; }

    /// <summary>Per-item additive ranking term, or null.</summary>
    public float[]? ItemTerms { get; }

    /// <summary>True when the answer is the model's fallback (empty history, or a model that cannot use items).</summary>
    public bool IsFallback { get; }
}
