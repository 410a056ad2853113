using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>Options of <see cref="IEmbeddingIndex.Search"/>: per-query exclusions and parallelism.</summary>
public sealed class IndexSearchOptions
{
    /// <summary>
    /// Items never to return: query <c>q</c> skips the items of row <c>ExcludeRows?[q] ?? q</c> (typically the
    /// user's seen items). Columns are item indices of the index; null excludes nothing.
    /// <see cref="UserItemMatrix.FromRows"/> builds one from per-query lists.
    /// </summary>
    public UserItemMatrix? Exclude { get; set; }

    /// <summary>Row of <see cref="Exclude"/> used by each query (length = queries), or null for row <c>q</c>.</summary>
    public int[]? ExcludeRows { get; set; }

    /// <summary>Largest number of threads working on the queries at once; -1 (default) lets the thread pool decide, 1 runs on the calling thread.</summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;
}
