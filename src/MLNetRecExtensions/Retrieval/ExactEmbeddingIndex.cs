namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Exact top-K over an item table: the items are packed once, at build, into the SIMD panel layout of
/// <see cref="ExactTopK"/>, and each <see cref="Search"/> only packs its queries. Scores, order and tie-breaking are
/// those of <see cref="ExactTopK.Search"/> (bit-identical, with or without the integer first pass of
/// <see cref="EmbeddingIndexOptions.QuantizedFirstPass"/>, whose 16-bit items are also built once); for <see cref="IndexMetric.Cosine"/> items and queries are
/// unit-normalized first. Build with <see cref="EmbeddingIndex.Build(EmbeddingTable, float[], EmbeddingIndexOptions)"/>.
/// </summary>
public sealed class ExactEmbeddingIndex : IEmbeddingIndex
{
    private readonly EmbeddingTable _items;
    private readonly float[]? _biases;
    private readonly QuantizedItems? _quantized;
    private readonly Lazy<ItemPanels> _panels;

    internal ExactEmbeddingIndex(EmbeddingTable items, float[]? biases, IndexMetric metric, bool quantizedFirstPass)
    {
        _items = items;
        _biases = biases;
        Metric = metric;
        var prepared = IndexVectors.Prepare(items, biases, metric);
        if (quantizedFirstPass && prepared.Dimension > 0 && QuantizedKernels.Best != QuantizedKernelKind.Scalar)
            _quantized = QuantizedItems.Build(prepared, biases);
        _panels = new Lazy<ItemPanels>(() => ItemPanels.Build(prepared, biases));
        if (_quantized == null) _ = _panels.Value;
    }

    /// <summary>
    /// Whether searches start with the integer pass: <see cref="EmbeddingIndexOptions.QuantizedFirstPass"/> on a CPU with
    /// an integer SIMD kernel (x86 AVX2 or AVX-512BW; elsewhere the fp32 scan is as fast) and vectors of at least one component.
    /// </summary>
    public bool QuantizedFirstPass => _quantized != null;

    /// <inheritdoc/>
    public EmbeddingIndexKind Kind => EmbeddingIndexKind.Exact;
    /// <inheritdoc/>
    public IndexMetric Metric { get; }
    /// <inheritdoc/>
    public int ItemCount => _items.Count;
    /// <inheritdoc/>
    public int Dimension => _items.Dimension;

    /// <inheritdoc/>
    public TopKResult Search(EmbeddingTable queries, int k, IndexSearchOptions? options = null)
    {
        (queries, options) = IndexVectors.PrepareSearch(this, queries, k, options);
        if (_quantized != null && QuantizedQueries.AllInRange(queries))
            return QuantizedSearch.Search(queries, _quantized, k, options!.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism);
        return ExactTopK.SearchPacked(queries, _panels.Value, k, options!.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism);
    }

    /// <inheritdoc/>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        IndexFile.WriteCommon(w, Kind, Metric, _items, _biases);
    }

    /// <summary>Nothing to release (managed memory only).</summary>
    public void Dispose() { }
}
