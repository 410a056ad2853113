using System.Numerics.Tensors;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Recommends with an <see cref="IEmbeddingModel"/> (popularity, matrix factorization, implicit ALS, two-tower):
/// user <c>u</c>'s score of item <c>i</c> is <c>UserEmbeddings[u] · ItemEmbeddings[i] + ItemBiases[i]</c>, searched
/// through the <see cref="IItemIndex"/> of <see cref="RecommenderOptions.IndexFactory"/> (exact by default).
/// </summary>
/// <typeparam name="TUser">The original user id type.</typeparam>
/// <typeparam name="TItem">The original item id type.</typeparam>
public sealed class EmbeddingRecommender<TUser, TItem> : RecommenderBase<TUser, TItem>, ISimilarItems<TItem>
    where TUser : notnull where TItem : notnull
{
    private readonly IItemIndexFactory _indexFactory;
    private readonly Lazy<IItemIndex> _cosineIndex;

    /// <summary>Creates the recommender; the model's tables must use the mappings' indices.</summary>
    /// <param name="model">The fitted model's embeddings.</param>
    /// <param name="users">User ids by index (row u of <c>model.UserEmbeddings</c> is user <c>users[u]</c>).</param>
    /// <param name="items">Item ids by index.</param>
    /// <param name="seen">Training interactions, users × items.</param>
    /// <param name="options">Index choice; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The embedding tables do not have one row per mapped user / item.</exception>
    public EmbeddingRecommender(IEmbeddingModel model, IdMapping<TUser> users, IdMapping<TItem> items, UserItemMatrix seen,
        RecommenderOptions? options = null) : base(users, items, seen)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.UserEmbeddings.Count != users.Count || model.ItemEmbeddings.Count != items.Count)
            throw new ArgumentOutOfRangeException(nameof(model),
                $"The model has {model.UserEmbeddings.Count} user and {model.ItemEmbeddings.Count} item embeddings but the mappings have {users.Count} users and {items.Count} items; build the recommender from the model's own training data.");
        Model = model;
        _indexFactory = (options ?? new RecommenderOptions()).IndexFactory
            ?? throw new ArgumentOutOfRangeException(nameof(options), "RecommenderOptions.IndexFactory is null; leave it at ExactItemIndex.Factory or set an index factory.");
        Index = _indexFactory.Build(model.ItemEmbeddings, model.ItemBiases);
        _cosineIndex = new Lazy<IItemIndex>(() => _indexFactory.Build(Normalized(model.ItemEmbeddings), null));
    }

    /// <summary>The model's embeddings.</summary>
    public IEmbeddingModel Model { get; }

    /// <summary>The retrieval index over the item embeddings and biases.</summary>
    public IItemIndex Index { get; }

    /// <inheritdoc />
    protected override TopKResult RankKnownUsers(int[] users, int k, bool excludeSeen)
    {
        var table = Model.UserEmbeddings;
        int dim = table.Dimension;
        var queries = new float[users.Length * dim];
        for (int q = 0; q < users.Length; q++) table.Values.AsSpan(users[q] * dim, dim).CopyTo(queries.AsSpan(q * dim, dim));
        return Index.Search(new EmbeddingTable(users.Length, dim, queries), k, excludeSeen ? Seen : null, excludeSeen ? users : null);
    }

    /// <summary>
    /// The top <paramref name="k"/> items for an arbitrary query vector in the user-embedding space (e.g. a user
    /// folded in from recent items, or a two-tower user embedding computed from features), leaving out
    /// <paramref name="exclude"/>; unknown ids in <paramref name="exclude"/> are ignored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or the query length differs from the embedding dimension.</exception>
    public IReadOnlyList<ScoredItem<TItem>> RecommendForVector(ReadOnlySpan<float> query, int k, IEnumerable<TItem>? exclude = null)
    {
        CheckK(k);
        if (query.Length != Index.Dimension)
            throw new ArgumentOutOfRangeException(nameof(query), query.Length, $"The query has {query.Length} values but the item embeddings have dimension {Index.Dimension}.");
        var excluded = exclude == null ? null : ExclusionRow(exclude.Select(i => Items.TryGetIndex(i, out int x) ? x : -1).Where(x => x >= 0));
        var result = Index.Search(new EmbeddingTable(1, query.Length, query.ToArray()), k, excluded, excluded == null ? null : [0]);
        return ToScored(result.ItemsOf(0), result.ScoresOf(0));
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The model has no item embeddings (dimension 0, e.g. popularity).</exception>
    public IReadOnlyList<ScoredItem<TItem>> SimilarItems(TItem item, int k)
    {
        CheckK(k);
        if (!Items.TryGetIndex(item, out int index))
            throw new KeyNotFoundException($"Item '{item}' is not in the model's catalog of {Items.Count} items.");
        if (Model.ItemEmbeddings.Dimension == 0)
            throw new NotSupportedException("This model has no item embeddings (dimension 0, e.g. popularity), so it has no notion of similar items; use an embedding model such as implicit ALS or the two-tower.");
        var index_ = _cosineIndex.Value;
        var normalized = Normalized(new EmbeddingTable(1, Model.ItemEmbeddings.Dimension, Model.ItemEmbeddings.Row(index).ToArray()));
        var result = index_.Search(normalized, k, ExclusionRow([index]), [0]);
        return ToScored(result.ItemsOf(0), result.ScoresOf(0));
    }

    private UserItemMatrix ExclusionRow(IEnumerable<int> itemIndices)
    {
        var items = itemIndices.ToArray();
        return UserItemMatrix.FromInteractions(new InteractionData(1, Items.Count, new int[items.Length], items, Enumerable.Repeat(1f, items.Length).ToArray()));
    }

    // Rows scaled to unit length (zero rows stay zero), so dot products are cosines.
    private static EmbeddingTable Normalized(EmbeddingTable table)
    {
        var values = (float[])table.Values.Clone();
        int dim = table.Dimension;
        for (int r = 0; r < table.Count; r++)
        {
            var row = values.AsSpan(r * dim, dim);
            float norm = TensorPrimitives.Norm<float>(row);
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
        return new EmbeddingTable(table.Count, dim, values);
    }
}
