using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>Options of <see cref="ExactTopK.Search"/>.</summary>
public sealed class TopKOptions
{
    /// <summary>
    /// Per-item term added to the dot product (length = number of items), or null for none. This is
    /// <see cref="IEmbeddingModel.ItemBiases"/> for a model.
    /// </summary>
    public float[]? ItemBiases { get; set; }

    /// <summary>
    /// Items never to return: query <c>q</c> skips the items of row <c>ExcludeRows?[q] ?? q</c> of this matrix
    /// (typically the training interactions, so already-seen items are not recommended). Null excludes nothing.
    /// Columns are item indices of the searched table; its <see cref="UserItemMatrix.ItemCount"/> may not exceed
    /// the number of items searched.
    /// </summary>
    public UserItemMatrix? Exclude { get; set; }

    /// <summary>
    /// Row of <see cref="Exclude"/> used by each query (length = number of queries), or null to use row <c>q</c>
    /// for query <c>q</c>. Ignored when <see cref="Exclude"/> is null.
    /// </summary>
    public int[]? ExcludeRows { get; set; }

    /// <summary>
    /// Largest number of threads working on the queries at once; -1 (default) lets the thread pool decide,
    /// 1 runs on the calling thread. The result does not depend on it.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>
    /// Score the items first with 16-bit integers and re-score in fp32 only those whose proven error bound lets them
    /// reach the top-K (default true; used for batches of at least <see cref="ExactTopK.MinQueriesToQuantize"/> queries).
    /// The result is bit-identical either way; false scores every item in fp32.
    /// </summary>
    public bool QuantizedFirstPass { get; set; } = true;
}
