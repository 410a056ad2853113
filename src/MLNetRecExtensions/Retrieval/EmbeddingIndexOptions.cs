namespace MLNetRecExtensions.Retrieval;

/// <summary>Options of <see cref="EmbeddingIndex.Build(EmbeddingTable, float[], EmbeddingIndexOptions)"/>; the HNSW settings are ignored by the exact index.</summary>
public sealed class EmbeddingIndexOptions
{
    /// <summary>Exact SIMD search or HNSW; default <see cref="EmbeddingIndexKind.Exact"/>.</summary>
    public EmbeddingIndexKind Kind { get; set; } = EmbeddingIndexKind.Exact;

    /// <summary>Similarity ranked by; default <see cref="IndexMetric.InnerProduct"/> (the score of the embedding models).</summary>
    public IndexMetric Metric { get; set; } = IndexMetric.InnerProduct;

    /// <summary>
    /// Exact index: score the items first with 16-bit integers (quantized once, at build, 2 bytes per component more
    /// memory) and re-score in fp32 only those whose proven error bound lets them reach the top-K. Default true. The
    /// result is bit-identical to scoring every item in fp32 (false, and always without x86 AVX2/AVX-512BW), which a search also falls back to when a query
    /// has a non-finite component or a largest magnitude outside [1e-12, 1e15]. Not saved with the index: a loaded
    /// exact index uses the default.
    /// </summary>
    public bool QuantizedFirstPass { get; set; } = true;

    /// <summary>HNSW: neighbours kept per node and layer (hnswlib's <c>M</c>); default 16, at least 2.</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>HNSW: candidate list size while inserting (hnswlib's <c>efConstruction</c>); default 200, at least 1.</summary>
    public int ExpansionAdd { get; set; } = 200;

    /// <summary>
    /// HNSW: candidate list size while searching (hnswlib's <c>ef</c>); the effective value is
    /// <c>max(ExpansionSearch, k)</c>. Default 128, at least 1. Higher = better recall, slower queries.
    /// </summary>
    public int ExpansionSearch { get; set; } = 128;

    /// <summary>
    /// HNSW with <see cref="IndexMetric.InnerProduct"/>: which graph is built; default
    /// <see cref="Retrieval.InnerProductGraph.Lifted"/>. Ignored for cosine.
    /// </summary>
    public InnerProductGraph InnerProductGraph { get; set; } = InnerProductGraph.Lifted;

    /// <summary>HNSW: precision of the vectors inside the graph; default <see cref="GraphVectorStorage.Float32"/> (scores are exact float32 either way).</summary>
    public GraphVectorStorage VectorStorage { get; set; } = GraphVectorStorage.Float32;

    /// <summary>
    /// HNSW: threads inserting items at build; -1 (default) uses every core. Only a build with 1 thread gives the
    /// same graph on every run (with more threads the insertion order, hence the graph, varies).
    /// </summary>
    public int BuildThreads { get; set; } = -1;
}
