namespace MLNetRecExtensions.Retrieval;

/// <summary>Shared helpers of the embedding indexes: input checks, cosine normalization and the exact score.</summary>
internal static class IndexVectors
{
    /// <summary>Validates a build request and returns the table the index stores (rows unit-normalized for cosine).</summary>
    public static EmbeddingTable Prepare(EmbeddingTable items, float[]? biases, IndexMetric metric)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (biases != null && biases.Length != items.Count)
            throw new ArgumentOutOfRangeException(nameof(biases),
                $"{biases.Length} item biases were given for {items.Count} items; pass one bias per item (or null).");
        if (metric == IndexMetric.Cosine && biases != null)
            throw new ArgumentException(
                "The cosine metric does not take item biases (they have no meaning on the unit sphere); build an InnerProduct index or pass biases = null.", nameof(biases));
        if (metric is not (IndexMetric.InnerProduct or IndexMetric.Cosine))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Use IndexMetric.InnerProduct or IndexMetric.Cosine.");
        return metric == IndexMetric.Cosine ? Normalized(items) : items;
    }

    /// <summary>The extra checks of a graph index: vectors of at least one component, all finite.</summary>
    public static void CheckGraphable(EmbeddingTable items, float[]? biases)
    {
        if (items.Dimension == 0)
            throw new ArgumentOutOfRangeException(nameof(items), "The item table has dimension 0 (e.g. a popularity model); an HNSW index needs vectors of at least one component. Use EmbeddingIndexKind.Exact.");
        foreach (float v in items.Values)
            if (!float.IsFinite(v))
                throw new InvalidDataException("The item table holds a NaN or infinite value; an HNSW graph cannot be built over such vectors (check the model's training).");
        if (biases != null)
            foreach (float b in biases)
                if (!float.IsFinite(b))
                    throw new InvalidDataException("The item biases hold a NaN or infinite value; an HNSW graph cannot be built over them.");
    }

    /// <summary>
    /// The common prologue of <see cref="IEmbeddingIndex.Search(EmbeddingTable, int, IndexSearchOptions)"/>: checks k,
    /// the query dimension and the exclusions against <paramref name="index"/>, and returns the queries as scored
    /// (unit-normalized for cosine) and the options (defaults for null).
    /// </summary>
    public static (EmbeddingTable Queries, IndexSearchOptions Options) PrepareSearch(IEmbeddingIndex index, EmbeddingTable queries, int k, IndexSearchOptions? options)
    {
        ArgumentNullException.ThrowIfNull(queries);
        options ??= new IndexSearchOptions();
        ExactTopK.ValidateShape(queries, index.ItemCount, index.Dimension, k);
        ExactTopK.ValidateSearch(queries.Count, index.ItemCount, options.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism, nameof(IndexSearchOptions));
        return (index.Metric == IndexMetric.Cosine ? Normalized(queries) : queries, options);
    }

    /// <summary>A copy of <paramref name="table"/> with every non-zero row scaled to unit length (zero rows stay zero).</summary>
    public static EmbeddingTable Normalized(EmbeddingTable table)
    {
        var values = (float[])table.Values.Clone();
        int dim = table.Dimension;
        for (int r = 0; r < table.Count; r++)
        {
            var row = values.AsSpan(r * dim, dim);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(row); // as EmbeddingRecommender normalizes
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
        return new EmbeddingTable(table.Count, dim, values);
    }

    /// <summary>
    /// The exact score of query row <paramref name="query"/> and item <paramref name="item"/>: fused multiply-adds in
    /// dimension order, then the bias: bit-identical to the SIMD kernel of <see cref="ExactTopK"/>.
    /// </summary>
    public static float Score(ReadOnlySpan<float> query, EmbeddingTable items, float[]? biases, int item)
    {
        var v = items.Values.AsSpan(item * items.Dimension, items.Dimension);
        float a = 0f;
        for (int d = 0; d < v.Length; d++) a = MathF.FusedMultiplyAdd(query[d], v[d], a);
        return a + (biases == null ? 0f : biases[item]); // the kernel adds a (zero-padded) bias too
    }
}
