using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// A searchable index over a fixed item-embedding table: the retrieval step behind
/// <see cref="EmbeddingRecommender{TUser, TItem}"/>. The score of query <c>q</c> and item <c>i</c> is
/// <c>q · items[i] + biases[i]</c>; <see cref="ExactItemIndex"/> searches all items exactly, an approximate index
/// (e.g. HNSW) may miss some but must return the true score of what it returns.
/// </summary>
public interface IItemIndex
{
    /// <summary>Number of indexed items.</summary>
    int ItemCount { get; }

    /// <summary>Length of the item vectors (and of a query).</summary>
    int Dimension { get; }

    /// <summary>
    /// The best <paramref name="k"/> items of each row of <paramref name="queries"/>, best first, padded with
    /// item -1 / score NaN when fewer remain; query q skips the items of row <c>excludeRows?[q] ?? q</c> of
    /// <paramref name="exclude"/> (null: nothing excluded). Equal scores: lower item index first.
    /// </summary>
    /// <param name="queries">Query vectors, <c>[queries, Dimension]</c>.</param>
    /// <param name="k">Items per query (≥ 1).</param>
    /// <param name="exclude">Items never to return, by row; columns are item indices of this index.</param>
    /// <param name="excludeRows">Row of <paramref name="exclude"/> per query, or null for row q.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or the shapes do not fit.</exception>
    TopKResult Search(EmbeddingTable queries, int k, UserItemMatrix? exclude = null, int[]? excludeRows = null);
}

/// <summary>Builds an <see cref="IItemIndex"/> over an item table; set it as <see cref="RecommenderOptions.IndexFactory"/>.</summary>
public interface IItemIndexFactory
{
    /// <summary>Indexes <paramref name="items"/> (<c>[items, dimension]</c>, not modified) with optional per-item <paramref name="itemBiases"/>.</summary>
    IItemIndex Build(EmbeddingTable items, float[]? itemBiases);
}

/// <summary>Exact search over every item with the SIMD kernels of <see cref="ExactTopK"/> (the default index).</summary>
public sealed class ExactItemIndex : IItemIndex
{
    private readonly ExactEmbeddingIndex _index;
    private readonly int _maxDegreeOfParallelism;

    /// <summary>Indexes <paramref name="items"/> and <paramref name="itemBiases"/>: the items are packed once, here, for the SIMD kernel.</summary>
    /// <param name="items">Item vectors, <c>[items, dimension]</c>.</param>
    /// <param name="itemBiases">Per-item additive term (length items) or null.</param>
    /// <param name="maxDegreeOfParallelism">Threads per search: -1 (default) lets the thread pool decide; the result does not depend on it.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bias length differs from the item count.</exception>
    public ExactItemIndex(EmbeddingTable items, float[]? itemBiases = null, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (itemBiases != null && itemBiases.Length != items.Count)
            throw new ArgumentOutOfRangeException(nameof(itemBiases), $"{itemBiases.Length} biases for {items.Count} items; pass one per item.");
        _index = new ExactEmbeddingIndex(items, itemBiases, IndexMetric.InnerProduct, quantizedFirstPass: true);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>The factory of exact indexes (default parallelism).</summary>
    public static IItemIndexFactory Factory { get; } = new ExactFactory();

    /// <inheritdoc />
    public int ItemCount => _index.ItemCount;

    /// <inheritdoc />
    public int Dimension => _index.Dimension;

    /// <inheritdoc />
    public TopKResult Search(EmbeddingTable queries, int k, UserItemMatrix? exclude = null, int[]? excludeRows = null) =>
        _index.Search(queries, k, new IndexSearchOptions
        {
            Exclude = exclude,
            ExcludeRows = exclude == null ? null : excludeRows,
            MaxDegreeOfParallelism = _maxDegreeOfParallelism,
        });

    private sealed class ExactFactory : IItemIndexFactory
    {
        public IItemIndex Build(EmbeddingTable items, float[]? itemBiases) => new ExactItemIndex(items, itemBiases);
    }
}
