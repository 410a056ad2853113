using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>Builds, loads and uses <see cref="IEmbeddingIndex"/> implementations.</summary>
public static class EmbeddingIndex
{
    /// <summary>
    /// Builds an index over <paramref name="items"/> (<c>[items, dimension]</c>, not copied: do not modify it
    /// afterwards) with optional per-item <paramref name="biases"/> (length = items, inner product only).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Bias length, options out of range, or dimension 0.</exception>
    /// <exception cref="ArgumentException">Biases with the cosine metric.</exception>
    /// <exception cref="InvalidDataException">An item value is NaN or infinite.</exception>
    public static IEmbeddingIndex Build(EmbeddingTable items, float[]? biases, EmbeddingIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        options ??= new EmbeddingIndexOptions();
        return options.Kind switch
        {
            EmbeddingIndexKind.Exact => new ExactEmbeddingIndex(items, biases, options.Metric, options.QuantizedFirstPass),
            EmbeddingIndexKind.Hnsw => HnswEmbeddingIndex.Build(items, biases, options.Metric, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "EmbeddingIndexOptions.Kind must be Exact or Hnsw."),
        };
    }

    /// <summary>
    /// Builds an index over a fitted model's item embeddings and biases (MF, implicit ALS, two-tower, any
    /// <see cref="IEmbeddingModel"/>); item <c>i</c> of the index is the model's item key <c>i + 1</c>.
    /// With the cosine metric the model's biases are left out.
    /// </summary>
    public static IEmbeddingIndex Build(IEmbeddingModel model, EmbeddingIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new EmbeddingIndexOptions();
        return Build(model.ItemEmbeddings, options.Metric == IndexMetric.Cosine ? null : model.ItemBiases, options);
    }

    /// <summary>Reads an index written by <see cref="IEmbeddingIndex.Save"/> (either kind).</summary>
    /// <exception cref="InvalidDataException">Not an index file, an unsupported version, or a truncated/corrupt file.</exception>
    public static IEmbeddingIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var (version, kind, metric, items, biases) = IndexFile.ReadCommon(r);
        try
        {
            return kind == EmbeddingIndexKind.Exact
                ? new ExactEmbeddingIndex(items, biases, metric, quantizedFirstPass: true)
                : HnswEmbeddingIndex.Read(r, version, metric, items, biases);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The embedding index file is truncated; save it again.", e);
        }
    }

    /// <summary>Saves <paramref name="index"/> to the file <paramref name="path"/> (overwritten).</summary>
    public static void Save(IEmbeddingIndex index, string path)
    {
        ArgumentNullException.ThrowIfNull(index);
        using var file = File.Create(path);
        index.Save(file);
    }

    /// <summary>Reads the index file <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid index (the message names the file).</exception>
    public static IEmbeddingIndex Load(string path)
    {
        using var file = File.OpenRead(path);
        try
        {
            return Load(file);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Top-<paramref name="k"/> items from <paramref name="index"/> (built over <paramref name="model"/>'s items) for
    /// <paramref name="users"/> (0-based user indices of the model), skipping each user's row of
    /// <paramref name="exclude"/> when given: the index-backed form of <see cref="ExactTopK.Recommend"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A user is out of range, or the index does not match the model's items.</exception>
    public static TopKResult Recommend(IEmbeddingIndex index, IEmbeddingModel model, IReadOnlyList<int> users, int k,
        UserItemMatrix? exclude = null, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(model);
        if (index.ItemCount != model.ItemEmbeddings.Count || index.Dimension != model.ItemEmbeddings.Dimension)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"The index holds {index.ItemCount} items × {index.Dimension} but the model has {model.ItemEmbeddings.Count} × {model.ItemEmbeddings.Dimension}; build the index from this model.");
        var (queries, rows) = ExactTopK.GatherUsers(model, users, exclude);
        return index.Search(queries, k, new IndexSearchOptions
        {
            Exclude = exclude,
            ExcludeRows = exclude == null ? null : rows,
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
        });
    }
}
