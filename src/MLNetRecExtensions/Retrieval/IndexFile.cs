using System.Runtime.InteropServices;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// The binary layout of a saved <see cref="IEmbeddingIndex"/> (little-endian): magic <c>MLRINDEX</c>, format version
/// (int32: 2; version 1 files, whose HNSW section has no graph layout, still load), kind, metric, item count, dimension (int32 each), has-biases (byte), the item values
/// (<c>count × dimension</c> float32, as given to the build), the biases when present, then the kind's own section.
/// </summary>
internal static class IndexFile
{
    private static ReadOnlySpan<byte> Magic => "MLRINDEX"u8;
    /// <summary>The version written.</summary>
    public const int Version = 2;

    /// <summary>The common header and tables.</summary>
    public static void WriteCommon(BinaryWriter w, EmbeddingIndexKind kind, IndexMetric metric, EmbeddingTable items, float[]? biases)
    {
        w.Write(Magic);
        w.Write(Version);
        w.Write((int)kind);
        w.Write((int)metric);
        w.Write(items.Count);
        w.Write(items.Dimension);
        w.Write(biases != null);
        w.Write(MemoryMarshal.AsBytes(items.Values.AsSpan()));
        if (biases != null) w.Write(MemoryMarshal.AsBytes(biases.AsSpan()));
    }

    /// <summary>Reads what <see cref="WriteCommon"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Not an index file, an unknown version or kind, or a truncated file.</exception>
    public static (int Version, EmbeddingIndexKind Kind, IndexMetric Metric, EmbeddingTable Items, float[]? Biases) ReadCommon(BinaryReader r)
    {
        try
        {
            Span<byte> magic = stackalloc byte[8];
            r.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
                throw new InvalidDataException("Not an embedding index file (the first 8 bytes are not 'MLRINDEX'); save one with IEmbeddingIndex.Save.");
            int version = r.ReadInt32();
            if (version is < 1 or > Version)
                throw new InvalidDataException($"Embedding index format version {version} is not supported (this library reads version {Version}); rebuild the index.");
            var kind = (EmbeddingIndexKind)r.ReadInt32();
            if (kind is not (EmbeddingIndexKind.Exact or EmbeddingIndexKind.Hnsw))
                throw new InvalidDataException($"Unknown embedding index kind {(int)kind} in the file.");
            var metric = (IndexMetric)r.ReadInt32();
            if (metric is not (IndexMetric.InnerProduct or IndexMetric.Cosine))
                throw new InvalidDataException($"Unknown index metric {(int)metric} in the file.");
            int count = r.ReadInt32(), dim = r.ReadInt32();
            if (count < 0 || dim < 0 || (long)count * dim > Array.MaxLength)
                throw new InvalidDataException($"The index file declares {count} items × {dim} dimensions, which is not a valid table.");
            bool hasBiases = r.ReadBoolean();
            var values = new float[count * dim];
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            float[]? biases = null;
            if (hasBiases)
            {
                biases = new float[count];
                r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(biases.AsSpan()));
            }
            return (version, kind, metric, new EmbeddingTable(count, dim, values), biases);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The embedding index file is truncated; save it again.", e);
        }
    }
}
