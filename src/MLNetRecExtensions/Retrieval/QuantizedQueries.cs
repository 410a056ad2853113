namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Query side of <see cref="QuantizedSearch"/>: each query quantized to 16-bit integers with its own scale
/// (as the items, <see cref="QuantizedItems"/>), packed in tiles of 8 queries for <see cref="QuantizedKernels"/>, with
/// the scale, ‖q‖ and ‖ε‖ (ε the quantization error) the bound needs.
/// </summary>
internal static class QuantizedQueries
{
    /// <summary>Queries per tile (as <see cref="ItemPanels.TileQueries"/>).</summary>
    public const int TileQueries = ItemPanels.TileQueries;

    private const double Inflate = 1 + 1.0 / (1 << 20);

    /// <summary>
    /// True when every query can be quantized with a trusted bound (finite, largest magnitude 0 or within
    /// [<see cref="QuantizedItems.MinMagnitude"/>, <see cref="QuantizedItems.MaxMagnitude"/>]); otherwise the
    /// search must run in fp32.
    /// </summary>
    public static bool AllInRange(EmbeddingTable queries)
    {
        int dim = queries.Dimension;
        for (int q = 0; q < queries.Count; q++)
        {
            float m = 0;
            foreach (float c in queries.Values.AsSpan(q * dim, dim))
            {
                if (!float.IsFinite(c)) return false;
                m = Math.Max(m, Math.Abs(c));
            }
            if (m > 0 && (m < QuantizedItems.MinMagnitude || m > QuantizedItems.MaxMagnitude)) return false;
        }
        return true;
    }

    /// <summary>
    /// Quantizes <paramref name="count"/> (1..8) query rows (stride = dimension) at <paramref name="level"/> into
    /// <paramref name="tile"/> (<c>[pairs, 8]</c> int32, each the int16 pair of components 2t (low half) and 2t+1;
    /// missing queries are zero) and writes, per query j, its scale, ‖q‖ and ‖ε‖ (rounded up) to
    /// <paramref name="scale"/>[j], <paramref name="norm"/>[j], <paramref name="error"/>[j]. The rows must pass
    /// <see cref="AllInRange"/>.
    /// </summary>
    public static void PackTile(ReadOnlySpan<float> rows, int count, int dimension, int pairs, short level,
        Span<int> tile, Span<float> scale, Span<float> norm, Span<float> error)
    {
        tile[..(pairs * TileQueries)].Clear();
        Span<short> integers = stackalloc short[pairs * 2];
        for (int j = 0; j < TileQueries; j++)
        {
            scale[j] = norm[j] = error[j] = 0;
            if (j >= count) continue;
            integers.Clear();
            QuantizedItems.Quantize(rows.Slice(j * dimension, dimension), level, integers, out scale[j], out double residual, out _, out double exact);
            norm[j] = (float)(exact * Inflate);
            error[j] = (float)(residual * Inflate);
            for (int t = 0; t < pairs; t++)
                tile[t * TileQueries + j] = (ushort)integers[2 * t] | integers[2 * t + 1] << 16;
        }
    }
}
