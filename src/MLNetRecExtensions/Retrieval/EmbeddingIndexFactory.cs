using MLNetRecExtensions.Recommendation;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Plugs an <see cref="IEmbeddingIndex"/> of either kind into the recommenders: set an instance as
/// <see cref="RecommenderOptions.IndexFactory"/>, e.g.
/// <c>new RecommenderOptions { IndexFactory = new EmbeddingIndexFactory(new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw }) }</c>.
/// </summary>
/// <param name="options">Kind, metric and HNSW settings of every index built; null for the defaults (exact).</param>
public sealed class EmbeddingIndexFactory(EmbeddingIndexOptions? options = null) : IItemIndexFactory
{
    /// <summary>The options every index is built with.</summary>
    public EmbeddingIndexOptions Options { get; } = options ?? new EmbeddingIndexOptions();

    /// <inheritdoc />
    public IItemIndex Build(EmbeddingTable items, float[]? itemBiases) => EmbeddingIndex.Build(items, itemBiases, Options);
}
