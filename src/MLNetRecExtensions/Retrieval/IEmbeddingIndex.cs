using MLNetRecExtensions.Data;
using MLNetRecExtensions.Recommendation;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// A searchable item-embedding table, in the style of TensorFlow Recommenders' <c>BruteForce</c> / <c>ScaNN</c>
/// layers: built once from <c>[items, dimension]</c> vectors (and optional per-item biases) by
/// <see cref="EmbeddingIndex.Build(EmbeddingTable, float[], EmbeddingIndexOptions)"/>, then searched with batches of
/// query vectors for the top-K items, skipping each query's excluded (seen) items.
/// <para>
/// Every implementation reports the exact score of each returned item for its <see cref="Metric"/> (the same
/// float the exact index computes, so scores of the two kinds are comparable), ordered by score descending then
/// item index ascending; an approximate index may miss some of the true top-K. Item indices are 0-based rows of the
/// table the index was built from. Search is thread-safe; the index owns native memory, so dispose it.
/// </para>
/// <para>It is an <see cref="IItemIndex"/>, so <see cref="EmbeddingIndexFactory"/> plugs either kind into the
/// recommenders of <see cref="Recommender"/> (<see cref="RecommenderOptions.IndexFactory"/>).</para>
/// </summary>
public interface IEmbeddingIndex : IItemIndex, IDisposable
{
    /// <summary>The implementation.</summary>
    EmbeddingIndexKind Kind { get; }

    /// <summary>The similarity ranked by.</summary>
    IndexMetric Metric { get; }

    /// <summary>
    /// The best <paramref name="k"/> items for each row of <paramref name="queries"/> (<c>[queries, Dimension]</c>);
    /// rows are padded with item -1 / score NaN when fewer items remain.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, the query dimension differs, or the exclusions do not fit.</exception>
    /// <exception cref="InvalidDataException">A score is NaN.</exception>
    TopKResult Search(EmbeddingTable queries, int k, IndexSearchOptions? options = null);

    /// <summary>The <see cref="IItemIndex"/> form of <see cref="Search(EmbeddingTable, int, IndexSearchOptions)"/>.</summary>
    TopKResult IItemIndex.Search(EmbeddingTable queries, int k, UserItemMatrix? exclude, int[]? excludeRows) =>
        Search(queries, k, new IndexSearchOptions { Exclude = exclude, ExcludeRows = exclude == null ? null : excludeRows });

    /// <summary>Writes the index (items, biases, settings and, for HNSW, the graph) to <paramref name="stream"/>; <see cref="EmbeddingIndex.Load(Stream)"/> reads it back.</summary>
    void Save(Stream stream);
}
