namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Exact top-K over an item table: the items are packed once, at build, into the SIMD panel layout of
/// <see cref="ExactTopK"/>, and each <see cref="Search"/> only packs its queries. Scores, order and tie-breaking are
/// those of <see cref="ExactTopK.Search"/> (bit-identical); for <see cref="IndexMetric.Cosine"/> items and queries are
/// unit-normalized first. Build with <see cref="EmbeddingIndex.Build(EmbeddingTable, float[], EmbeddingIndexOptions)"/>.
/// </summary>
public sealed class ExactEmbeddingIndex : IEmbeddingIndex
{
    private readonly EmbeddingTable _items;
    private readonly float[]? _biases;
    private readonly ItemPanels _panels;

    internal ExactEmbeddingIndex(EmbeddingTable items, float[]? biases, IndexMetric metric)
    {
        _items = items;
        _biases = biases;
        Metric = metric;
        _panels = ItemPanels.Build(IndexVectors.Prepare(items, biases, metric), biases);
    }

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
        return ExactTopK.SearchPacked(queries, _panels, k, options!.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism);
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
