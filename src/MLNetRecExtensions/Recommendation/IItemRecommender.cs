namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// A fitted recommender answering in original ids: the one surface over every model of the library (popularity,
/// matrix factorization, implicit ALS, two-tower, two-stage, …) and over any ML.NET transformer that scores
/// (user, item) rows. Build one with <see cref="Recommender"/>.
/// </summary>
/// <remarks>
/// <para>Cold start: a user the model never saw (not in <see cref="Users"/>) gets <see cref="ColdStartItems"/>, the
/// most interacted-with training items (score = number of training interactions, ties: lower index first), flagged
/// with <see cref="UserRecommendations{TUser, TItem}.IsColdStart"/>; never an exception.</para>
/// <para>Order: score descending; equal scores by the lower item index (the order of first appearance in the
/// training data). Results are deterministic. Implementations are safe for concurrent calls.</para>
/// </remarks>
/// <typeparam name="TUser">The original user id type (string, int, long, …).</typeparam>
/// <typeparam name="TItem">The original item id type.</typeparam>
public interface IItemRecommender<TUser, TItem> where TUser : notnull where TItem : notnull
{
    /// <summary>The users the model knows and their indices.</summary>
    IdMapping<TUser> Users { get; }

    /// <summary>The catalog: every item the model can recommend, with its index.</summary>
    IdMapping<TItem> Items { get; }

    /// <summary>
    /// The top <paramref name="k"/> items for <paramref name="user"/>; with <paramref name="excludeSeen"/> (default)
    /// the items the user interacted with in the training data are left out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="NotSupportedException">The model cannot rank seen items (<paramref name="excludeSeen"/> false on a two-stage model).</exception>
    UserRecommendations<TUser, TItem> Recommend(TUser user, int k, bool excludeSeen = true);

    /// <summary>
    /// <see cref="Recommend"/> for many users at once (one batched search; much faster than a loop); entry q belongs
    /// to <c>users[q]</c>. Repeated users are allowed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="NotSupportedException">As for <see cref="Recommend"/>.</exception>
    IReadOnlyList<UserRecommendations<TUser, TItem>> RecommendBatch(IReadOnlyList<TUser> users, int k, bool excludeSeen = true);

    /// <summary>The cold-start fallback list: the <paramref name="k"/> items with the most training interactions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    IReadOnlyList<ScoredItem<TItem>> ColdStartItems(int k);
}

/// <summary>A recommender with item embeddings, which can also list similar items.</summary>
/// <typeparam name="TItem">The original item id type.</typeparam>
public interface ISimilarItems<TItem> where TItem : notnull
{
    /// <summary>
    /// The <paramref name="k"/> items most similar to <paramref name="item"/> by cosine similarity of the item
    /// embeddings (the item itself left out), best first; score = cosine in [-1, 1].
    /// </summary>
    /// <exception cref="KeyNotFoundException">The model has no item <paramref name="item"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    IReadOnlyList<ScoredItem<TItem>> SimilarItems(TItem item, int k);
}
