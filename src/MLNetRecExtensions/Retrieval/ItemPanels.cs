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
    /// Scores <paramref name="queryCount"/> (1..8) consecutive query rows starting at <paramref name="queries"/>
    /// (row stride = <see cref="Dimension"/>) against panel <paramref name="panel"/>; writes
    /// <c>dest[j · 16 + l]</c> = score of query j and item <c>panel · 16 + l</c> (bias included).
    /// </summary>
    public void ScoreTile(float* queries, int queryCount, int panel, float* dest)
    {
        fixed (float* values = Values)
        fixed (float* biases = Biases)
        {
            float* p = values + (long)panel * Dimension * Width;
            float* b = biases + panel * Width;
            if (queryCount == TileQueries)
            {
                if (Vector512.IsHardwareAccelerated) { Tile8x16Avx512(queries, Dimension, p, b, dest); return; }
                if (Vector256.IsHardwareAccelerated)
                {
                    Tile8x8Vector256(queries, Dimension, p, b, dest);
                    Tile8x8Vector256(queries, Dimension, p + 8, b + 8, dest + 8);
                    return;
                }
            }
            for (int j = 0; j < queryCount; j++) Tile1x16(queries + (long)j * Dimension, Dimension, p, b, dest + j * Width);
        }
    }

    private static void Tile8x16Avx512(float* q, int dim, float* p, float* b, float* dest)
    {
        var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        float* q1 = q + dim, q2 = q1 + dim, q3 = q2 + dim, q4 = q3 + dim, q5 = q4 + dim, q6 = q5 + dim, q7 = q6 + dim;
        for (int d = 0; d < dim; d++)
        {
            var v = Vector512.Load(p + d * Width);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), v, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), v, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), v, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), v, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(q4[d]), v, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(q5[d]), v, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(q6[d]), v, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(q7[d]), v, a7);
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

    // Eight queries against eight lanes of a panel (p and b already offset to the lane half); row stride of
    // both p and dest is 16.
    private static void Tile8x8Vector256(float* q, int dim, float* p, float* b, float* dest)
    {
        var a0 = Vector256<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        float* q1 = q + dim, q2 = q1 + dim, q3 = q2 + dim, q4 = q3 + dim, q5 = q4 + dim, q6 = q5 + dim, q7 = q6 + dim;
        for (int d = 0; d < dim; d++)
        {
            var v = Vector256.Load(p + d * Width);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Create(q[d]), v, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[d]), v, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Create(q2[d]), v, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Create(q3[d]), v, a3);
            a4 = Vector256.FusedMultiplyAdd(Vector256.Create(q4[d]), v, a4);
            a5 = Vector256.FusedMultiplyAdd(Vector256.Create(q5[d]), v, a5);
            a6 = Vector256.FusedMultiplyAdd(Vector256.Create(q6[d]), v, a6);
            a7 = Vector256.FusedMultiplyAdd(Vector256.Create(q7[d]), v, a7);
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

    private static void Tile1x16(float* q, int dim, float* p, float* b, float* dest)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512<float>.Zero;
            for (int d = 0; d < dim; d++) a = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), Vector512.Load(p + d * Width), a);
            (a + Vector512.Load(b)).Store(dest);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256<float>.Zero; var hi = lo;
            for (int d = 0; d < dim; d++)
            {
                var s = Vector256.Create(q[d]);
                lo = Vector256.FusedMultiplyAdd(s, Vector256.Load(p + d * Width), lo);
                hi = Vector256.FusedMultiplyAdd(s, Vector256.Load(p + d * Width + 8), hi);
            }
            (lo + Vector256.Load(b)).Store(dest);
            (hi + Vector256.Load(b + 8)).Store(dest + 8);
        }
        else
        {
            for (int l = 0; l < Width; l++)
            {
                float a = 0f;
                for (int d = 0; d < dim; d++) a = MathF.FusedMultiplyAdd(q[d], p[d * Width + l], a);
                dest[l] = a + b[l];
            }
        }
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
