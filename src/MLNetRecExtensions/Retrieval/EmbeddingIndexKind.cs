namespace MLNetRecExtensions.Retrieval;

/// <summary>Which <see cref="IEmbeddingIndex"/> implementation <see cref="EmbeddingIndex.Build(EmbeddingTable, float[], EmbeddingIndexOptions)"/> creates.</summary>
public enum EmbeddingIndexKind
{
    /// <summary>Brute-force SIMD scoring of every item (<see cref="ExactEmbeddingIndex"/>): exact, O(items) per query.</summary>
    Exact = 0,

    /// <summary>Approximate HNSW graph search through USearch (<see cref="HnswEmbeddingIndex"/>): sub-linear per query.</summary>
    Hnsw = 1,
}
