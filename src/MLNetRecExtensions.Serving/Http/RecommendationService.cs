using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Serving.Store;

namespace MLNetRecExtensions.Serving.Http;

/// <summary>
/// The serving path behind the HTTP endpoints, by original ids. Without a store: the user's embedding and seen
/// items come from the bundle (<see cref="IItemRecommender{TUser, TItem}.Recommend"/>). With a
/// <see cref="RedisEmbeddingStore"/>: user embedding from Redis → index search → the user's seen set from Redis left
/// out → top-K (so users and their history can change in Redis without reloading the model).
/// Unknown users (no embedding) get the cold-start fallback: the most interacted-with training items, flagged
/// <c>coldStart</c>; a new user who gives their items is embedded by the bundle's user tower
/// (<see cref="RecommendNewUser"/>).
/// </summary>
public sealed class RecommendationService : IDisposable
{
    /// <summary>Largest k accepted.</summary>
    public const int MaxK = 1000;

    /// <summary>Largest batch accepted by <see cref="RecommendBatchAsync"/>.</summary>
    public const int MaxBatch = 1000;

    private readonly EmbeddingRecommender<string, string> _recommender;

    /// <summary>Serves <paramref name="model"/> with an index of <paramref name="kind"/>, reading users from <paramref name="store"/> when given.</summary>
    public RecommendationService(ServingModel model, EmbeddingIndexKind kind, RedisEmbeddingStore? store = null, EmbeddingIndexOptions? hnsw = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        IndexKind = kind;
        Store = store;
        _recommender = model.CreateRecommender(kind, hnsw);
    }

    /// <summary>The served bundle.</summary>
    public ServingModel Model { get; }
    /// <summary>Index kind searched.</summary>
    public EmbeddingIndexKind IndexKind { get; }
    /// <summary>The Redis store, or null when serving from memory.</summary>
    public RedisEmbeddingStore? Store { get; }

    /// <summary>Builds the similar-items index now (it is otherwise built on the first <see cref="Similar"/>).</summary>
    public void Warm()
    {
        if (Model.Items.Count > 0 && Model.Dimension > 0) _recommender.SimilarItems(Model.Items[0], 1);
    }

    /// <summary>Top-<paramref name="k"/> items for one user.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..<see cref="MaxK"/>.</exception>
    /// <exception cref="EmbeddingStoreUnavailableException">Redis is configured and down.</exception>
    public async Task<RecommendResponse> RecommendAsync(string userId, int k)
    {
        CheckK(k);
        if (Store == null)
        {
            var r = _recommender.Recommend(userId, k);
            return new RecommendResponse(userId, ToScores(r.Items), r.IsColdStart);
        }
        var (vector, seen) = await Store.GetUserStateAsync(userId).ConfigureAwait(false);
        if (vector == null) return new RecommendResponse(userId, ToScores(_recommender.ColdStartItems(k)), true);
        return new RecommendResponse(userId, ToScores(_recommender.RecommendForVector(vector, k, seen)), false);
    }

    /// <summary>Top-<paramref name="k"/> items for each of <paramref name="users"/> (entry q for <c>users[q]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..<see cref="MaxK"/>, or more than <see cref="MaxBatch"/> users.</exception>
    /// <exception cref="EmbeddingStoreUnavailableException">Redis is configured and down.</exception>
    public async Task<IReadOnlyList<RecommendResponse>> RecommendBatchAsync(IReadOnlyList<string> users, int k)
    {
        ArgumentNullException.ThrowIfNull(users);
        CheckK(k);
        if (users.Count > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(users), users.Count, $"A batch holds at most {MaxBatch} users; got {users.Count}. Split the request.");
        if (Store == null)
            return _recommender.RecommendBatch(users, k).Select(r => new RecommendResponse(r.User, ToScores(r.Items), r.IsColdStart)).ToArray();
        var states = await Task.WhenAll(users.Select(Store.GetUserStateAsync)).ConfigureAwait(false);
        var answers = new RecommendResponse[users.Count];
        for (int q = 0; q < users.Count; q++)
            answers[q] = states[q].Vector is { } vector
                ? new RecommendResponse(users[q], ToScores(_recommender.RecommendForVector(vector, k, states[q].Seen)), false)
                : new RecommendResponse(users[q], ToScores(_recommender.ColdStartItems(k)), true);
        return answers;
    }

    /// <summary>
    /// Top-<paramref name="k"/> items for a NEW user known by <paramref name="items"/> (original ids; unknown ids are
    /// ignored): the bundle's two-tower user tower embeds the items as history (<see cref="ServingModel.EmbedHistory"/>)
    /// → index search, the given items left out. Without a user tower, or with no known item: the cold-start list.
    /// Redis is not read (a new user has no stored embedding).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..<see cref="MaxK"/>, or more than <see cref="MaxBatch"/> items.</exception>
    public NewUserResponse RecommendNewUser(IReadOnlyList<string> items, int k)
    {
        ArgumentNullException.ThrowIfNull(items);
        CheckK(k);
        if (items.Count > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(items), items.Count, $"A new user's history holds at most {MaxBatch} items; got {items.Count}.");
        var r = _recommender.RecommendForItems(items, k);
        return new NewUserResponse(ToScores(r.Items), r.IsColdStart);
    }

    /// <summary>The <paramref name="k"/> items most similar to <paramref name="itemId"/> (cosine of item embeddings).</summary>
    /// <exception cref="KeyNotFoundException">The item is not in the catalog.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..<see cref="MaxK"/>.</exception>
    public SimilarResponse Similar(string itemId, int k)
    {
        CheckK(k);
        return new SimilarResponse(itemId, ToScores(_recommender.SimilarItems(itemId, k)));
    }

    /// <summary>Status of the model and, when configured, of Redis.</summary>
    public async Task<HealthResponse> HealthAsync()
    {
        string? error = null;
        if (Store != null)
        {
            try { await Store.PingAsync().ConfigureAwait(false); }
            catch (EmbeddingStoreUnavailableException e) { error = e.Message; }
        }
        return new HealthResponse(error == null ? "ok" : "degraded", Model.ModelId, IndexKind == EmbeddingIndexKind.Hnsw ? "hnsw" : "exact",
            Model.Users.Count, Model.Items.Count, Store?.Endpoint, error);
    }

    /// <summary>Releases the index and the Redis connection.</summary>
    public void Dispose()
    {
        (_recommender.Index as IDisposable)?.Dispose();
        Store?.Dispose();
    }

    private static void CheckK(int k)
    {
        if (k is < 1 or > MaxK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {MaxK}; got {k}.");
    }

    private static ItemScore[] ToScores(IReadOnlyList<ScoredItem<string>> items) => items.Select(i => new ItemScore(i.Item, i.Score)).ToArray();
}
