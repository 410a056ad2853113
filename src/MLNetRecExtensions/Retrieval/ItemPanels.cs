using System.Runtime.Intrinsics;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// The item table re-laid out for the scoring kernel: items in panels of <see cref="Width"/> (16) consecutive items,
/// each panel stored dimension-major, <c>Values[(p · Dimension + d) · 16 + l]</c> = component <c>d</c> of item
/// <c>p · 16 + l</c> (zero for the padding lanes of the last panel). One SIMD load then gives component <c>d</c> of
/// 16 items, so a query's 16 scores accumulate in one register with one FMA per dimension and no horizontal sums.
/// <para>
/// Every kernel computes each score the same way, <c>fma(q[D-1], v[D-1], … fma(q[1], v[1], q[0]·v[0]))</c> in
/// dimension order, then adds the bias; the score of a (query, item) pair is therefore bit-identical whatever
/// the tile, the vector width or the thread that computed it.
/// </para>
/// </summary>
internal sealed unsafe class ItemPanels
{
    /// <summary>Items per panel.</summary>
    public const int Width = 16;

    /// <summary>Queries scored together by <see cref="ScoreTile"/>.</summary>
    public const int TileQueries = 8;

    private ItemPanels(int itemCount, int dimension, float[] values, float[] biases)
    {
        ItemCount = itemCount;
        Dimension = dimension;
        PanelCount = (itemCount + Width - 1) / Width;
        Values = values;
        Biases = biases;
    }

    /// <summary>Number of real items.</summary>
    public int ItemCount { get; }
    /// <summary>Vector length.</summary>
    public int Dimension { get; }
    /// <summary>Number of panels, <c>ceil(ItemCount / 16)</c>.</summary>
    public int PanelCount { get; }
    /// <summary>The panels, <c>[PanelCount, Dimension, 16]</c>.</summary>
    public float[] Values { get; }
    /// <summary>Biases padded with zeros to <c>PanelCount · 16</c>.</summary>
    public float[] Biases { get; }
    /// <summary>Bit l set for each real item lane l of the last panel (1..16 lanes).</summary>
    public uint LastPanelMask => LaneMask(ItemCount);

    /// <summary>The real-item lanes of the last panel of <paramref name="itemCount"/> items (≥ 1) laid out 16 per panel.</summary>
    public static uint LaneMask(int itemCount) => (1u << (itemCount - (itemCount - 1) / Width * Width)) - 1;

    /// <summary>Re-lays out <paramref name="items"/>; <paramref name="biases"/> (length = items, or null) is copied padded.</summary>
    public static ItemPanels Build(EmbeddingTable items, float[]? biases)
    {
        int n = items.Count, dim = items.Dimension;
        int panels = (n + Width - 1) / Width;
        var values = new float[(long)panels * dim * Width];
        var src = items.Values;
        for (int i = 0; i < n; i++)
        {
            int p = i / Width, lane = i % Width;
            long baseIndex = (long)p * dim * Width + lane;
            int row = i * dim;
            for (int d = 0; d < dim; d++) values[baseIndex + d * Width] = src[row + d];
        }
        var paddedBiases = new float[panels * Width];
        biases?.AsSpan().CopyTo(paddedBiases);
        return new ItemPanels(n, dim, values, paddedBiases);
    }

    /// <summary>
    /// Copies <paramref name="count"/> (1..8) query rows (row stride <paramref name="dimension"/>) into the tile layout
    /// the kernel reads, <c>tile[d · 8 + j]</c> = component d of query j; missing queries are zero rows.
    /// </summary>
    public static void PackQueryTile(ReadOnlySpan<float> rows, int count, int dimension, Span<float> tile)
    {
        tile[..(dimension * TileQueries)].Clear();
        for (int j = 0; j < count; j++)
            for (int d = 0; d < dimension; d++) tile[d * TileQueries + j] = rows[j * dimension + d];
    }

    /// <summary>
    /// Scores a packed tile of 8 queries (<see cref="PackQueryTile"/>) against panel <paramref name="panel"/>; writes
    /// <c>dest[j · 16 + l]</c> = score of query j and item <c>panel · 16 + l</c> (bias included).
    /// </summary>
    public void ScoreTile(float* tile, int panel, float* dest)
    {
        fixed (float* values = Values)
        fixed (float* biases = Biases)
        {
            float* p = values + (long)panel * Dimension * Width;
            float* b = biases + panel * Width;
            if (Vector512.IsHardwareAccelerated)
            {
                Tile8x16Vector512(tile, Dimension, p, b, dest);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Tile8x8Vector256(tile, Dimension, p, b, dest);
                Tile8x8Vector256(tile, Dimension, p + 8, b + 8, dest + 8);
            }
            else
            {
                for (int j = 0; j < TileQueries; j++)
                    for (int l = 0; l < Width; l++)
                    {
                        float a = 0f;
                        for (int d = 0; d < Dimension; d++) a = MathF.FusedMultiplyAdd(tile[d * TileQueries + j], p[d * Width + l], a);
                        dest[j * Width + l] = a + b[l];
                    }
            }
        }
    }

    private static void Tile8x16Vector512(float* q, int dim, float* p, float* b, float* dest)
    {
        var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (int d = 0; d < dim; d++, q += TileQueries, p += Width)
        {
            var v = Vector512.Load(p);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[0]), v, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q[1]), v, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q[2]), v, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q[3]), v, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(q[4]), v, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(q[5]), v, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(q[6]), v, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(q[7]), v, a7);
        }
        var bias = Vector512.Load(b);
        (a0 + bias).Store(dest);
        (a1 + bias).Store(dest + Width);
        (a2 + bias).Store(dest + 2 * Width);
        (a3 + bias).Store(dest + 3 * Width);
        (a4 + bias).Store(dest + 4 * Width);
        (a5 + bias).Store(dest + 5 * Width);
        (a6 + bias).Store(dest + 6 * Width);
        (a7 + bias).Store(dest + 7 * Width);
    }

    // Eight queries against eight lanes of a panel (p and b already offset to the lane half); the row stride of
    // both p and dest is 16.
    private static void Tile8x8Vector256(float* q, int dim, float* p, float* b, float* dest)
    {
        var a0 = Vector256<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (int d = 0; d < dim; d++, q += TileQueries, p += Width)
        {
            var v = Vector256.Load(p);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Create(q[0]), v, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Create(q[1]), v, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Create(q[2]), v, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Create(q[3]), v, a3);
            a4 = Vector256.FusedMultiplyAdd(Vector256.Create(q[4]), v, a4);
            a5 = Vector256.FusedMultiplyAdd(Vector256.Create(q[5]), v, a5);
            a6 = Vector256.FusedMultiplyAdd(Vector256.Create(q[6]), v, a6);
            a7 = Vector256.FusedMultiplyAdd(Vector256.Create(q[7]), v, a7);
        }
        var bias = Vector256.Load(b);
        (a0 + bias).Store(dest);
        (a1 + bias).Store(dest + Width);
        (a2 + bias).Store(dest + 2 * Width);
        (a3 + bias).Store(dest + 3 * Width);
        (a4 + bias).Store(dest + 4 * Width);
        (a5 + bias).Store(dest + 5 * Width);
        (a6 + bias).Store(dest + 6 * Width);
        (a7 + bias).Store(dest + 7 * Width);
    }

    /// <summary>
    /// Bit l is set when lane l of the 16 scores at <paramref name="scores"/> is greater than
    /// <paramref name="threshold"/> or NaN (NaN must reach the caller, which reports it).
    /// </summary>
    public static uint CandidateMask(float* scores, float threshold)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Load(scores);
            var keep = Vector512.GreaterThan(s, Vector512.Create(threshold)) | ~Vector512.Equals(s, s);
            return (uint)keep.ExtractMostSignificantBits();
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            var lo = Vector256.Load(scores);
            var hi = Vector256.Load(scores + 8);
            uint mLo = (Vector256.GreaterThan(lo, t) | ~Vector256.Equals(lo, lo)).ExtractMostSignificantBits();
            uint mHi = (Vector256.GreaterThan(hi, t) | ~Vector256.Equals(hi, hi)).ExtractMostSignificantBits();
            return mLo | (mHi << 8);
        }
        uint mask = 0;
        for (int l = 0; l < Width; l++)
            if (!(scores[l] <= threshold)) mask |= 1u << l;
        return mask;
    }
}
