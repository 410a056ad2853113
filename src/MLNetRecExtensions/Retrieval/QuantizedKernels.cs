using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRecExtensions.Retrieval;

/// <summary>Instruction set of the integer first pass of <see cref="QuantizedSearch"/>; all give the same integers.</summary>
internal enum QuantizedKernelKind
{
    /// <summary>AVX-512BW: 512-bit <c>vpmaddwd</c> + <c>vpaddd</c>, 8 queries × 16 items per step.</summary>
    Vector512,
    /// <summary>AVX-VNNI: 256-bit <c>vpdpwssd</c> (multiply-add of int16 pairs into int32 in one instruction), two 8 × 8 halves.</summary>
    Vector256Vnni,
    /// <summary>AVX2: 256-bit <c>vpmaddwd</c> + <c>vpaddd</c>, two 8 × 8 halves.</summary>
    Vector256,
    /// <summary>Portable scalar loops.</summary>
    Scalar,
}

/// <summary>
/// The kernels of <see cref="QuantizedSearch"/>: exact int32 dot products of a tile of 8 quantized queries with a
/// panel of 16 quantized items (<see cref="ScoreTile"/>), and their conversion to upper bounds of the exact fp32
/// scores (<see cref="UpperBounds"/>). Integer sums cannot overflow (see <see cref="QuantizedItems"/>), so every kind
/// gives the same integers.
/// </summary>
internal static unsafe class QuantizedKernels
{
    private const int Width = ItemPanels.Width;
    private const int TileQueries = ItemPanels.TileQueries;

    /// <summary>The fastest kind this CPU runs (measured on Zen 4: 512-bit madd+add ahead of 256-bit VNNI).</summary>
    public static QuantizedKernelKind Best =>
        Avx512BW.IsSupported ? QuantizedKernelKind.Vector512
        : AvxVnni.IsSupported ? QuantizedKernelKind.Vector256Vnni
        : Avx2.IsSupported ? QuantizedKernelKind.Vector256 : QuantizedKernelKind.Scalar;

    /// <summary>Whether <paramref name="kind"/> runs on this CPU.</summary>
    public static bool IsSupported(QuantizedKernelKind kind) => kind switch
    {
        QuantizedKernelKind.Vector512 => Avx512BW.IsSupported,
        QuantizedKernelKind.Vector256Vnni => AvxVnni.IsSupported,
        QuantizedKernelKind.Vector256 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>
    /// <c>dest[j · 16 + l]</c> = Σ_t tile-query j's pair t · item l's pair t (int32), for a query tile
    /// <c>[pairs, 8]</c> (<see cref="QuantizedQueries.PackTile"/>) and a panel <c>[pairs, 16, 2]</c> int16; bit l of
    /// <c>masks[j]</c> is set when that sum is above <c>thresholds[j]</c> (<see cref="Above"/>). Returns the OR of the 8 masks.
    /// </summary>
    public static uint ScoreTile(QuantizedKernelKind kind, int* tile, int pairs, short* panel, int* dest, int* thresholds, uint* masks)
    {
        switch (kind)
        {
            case QuantizedKernelKind.Vector512:
                return Tile8x16Vector512(tile, pairs, panel, dest, thresholds, masks);
            case QuantizedKernelKind.Vector256Vnni:
                Tile8x8Vector256Vnni(tile, pairs, panel, dest);
                Tile8x8Vector256Vnni(tile, pairs, panel + 16, dest + 8);
                break;
            case QuantizedKernelKind.Vector256:
                Tile8x8Vector256(tile, pairs, panel, dest);
                Tile8x8Vector256(tile, pairs, panel + 16, dest + 8);
                break;
            default:
                for (int j = 0; j < TileQueries; j++)
                    for (int l = 0; l < Width; l++)
                    {
                        int a = 0;
                        for (int t = 0; t < pairs; t++)
                        {
                            int q = tile[t * TileQueries + j];
                            short* x = panel + (t * Width + l) * 2;
                            a += (short)q * x[0] + (q >> 16) * x[1];
                        }
                        dest[j * Width + l] = a;
                    }
                break;
        }
        uint any = 0;
        for (int j = 0; j < TileQueries; j++) any |= masks[j] = Above(kind, dest + j * Width, thresholds[j]);
        return any;
    }

    private static uint Tile8x16Vector512(int* q, int pairs, short* p, int* dest, int* thresholds, uint* masks)
    {
        var a0 = Vector512<int>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (int t = 0; t < pairs; t++, q += TileQueries, p += 2 * Width)
        {
            var v = Vector512.Load(p);
            a0 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[0]).AsInt16());
            a1 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[1]).AsInt16());
            a2 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[2]).AsInt16());
            a3 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[3]).AsInt16());
            a4 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[4]).AsInt16());
            a5 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[5]).AsInt16());
            a6 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[6]).AsInt16());
            a7 += Avx512BW.MultiplyAddAdjacent(v, Vector512.Create(q[7]).AsInt16());
        }
        a0.Store(dest);
        a1.Store(dest + Width);
        a2.Store(dest + 2 * Width);
        a3.Store(dest + 3 * Width);
        a4.Store(dest + 4 * Width);
        a5.Store(dest + 5 * Width);
        a6.Store(dest + 6 * Width);
        a7.Store(dest + 7 * Width);
        uint any = masks[0] = Above512(a0, thresholds[0]);
        any |= masks[1] = Above512(a1, thresholds[1]);
        any |= masks[2] = Above512(a2, thresholds[2]);
        any |= masks[3] = Above512(a3, thresholds[3]);
        any |= masks[4] = Above512(a4, thresholds[4]);
        any |= masks[5] = Above512(a5, thresholds[5]);
        any |= masks[6] = Above512(a6, thresholds[6]);
        any |= masks[7] = Above512(a7, thresholds[7]);
        return any;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Above512(Vector512<int> a, int threshold) => (uint)Vector512.GreaterThan(a, Vector512.Create(threshold)).ExtractMostSignificantBits();

    // Eight queries against eight lanes of a panel (p and dest already offset to the lane half); p advances a
    // whole panel row (16 items × 2 components) per pair, dest rows are 16 apart.
    private static void Tile8x8Vector256(int* q, int pairs, short* p, int* dest)
    {
        var a0 = Vector256<int>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (int t = 0; t < pairs; t++, q += TileQueries, p += 2 * Width)
        {
            var v = Vector256.Load(p);
            a0 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[0]).AsInt16());
            a1 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[1]).AsInt16());
            a2 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[2]).AsInt16());
            a3 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[3]).AsInt16());
            a4 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[4]).AsInt16());
            a5 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[5]).AsInt16());
            a6 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[6]).AsInt16());
            a7 += Avx2.MultiplyAddAdjacent(v, Vector256.Create(q[7]).AsInt16());
        }
        Store8(dest, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    private static void Tile8x8Vector256Vnni(int* q, int pairs, short* p, int* dest)
    {
        var a0 = Vector256<int>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (int t = 0; t < pairs; t++, q += TileQueries, p += 2 * Width)
        {
            var v = Vector256.Load(p);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, v, Vector256.Create(q[0]).AsInt16());
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, v, Vector256.Create(q[1]).AsInt16());
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, v, Vector256.Create(q[2]).AsInt16());
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, v, Vector256.Create(q[3]).AsInt16());
            a4 = AvxVnni.MultiplyWideningAndAdd(a4, v, Vector256.Create(q[4]).AsInt16());
            a5 = AvxVnni.MultiplyWideningAndAdd(a5, v, Vector256.Create(q[5]).AsInt16());
            a6 = AvxVnni.MultiplyWideningAndAdd(a6, v, Vector256.Create(q[6]).AsInt16());
            a7 = AvxVnni.MultiplyWideningAndAdd(a7, v, Vector256.Create(q[7]).AsInt16());
        }
        Store8(dest, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    private static void Store8(int* dest, Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3,
        Vector256<int> a4, Vector256<int> a5, Vector256<int> a6, Vector256<int> a7)
    {
        a0.Store(dest);
        a1.Store(dest + Width);
        a2.Store(dest + 2 * Width);
        a3.Store(dest + 3 * Width);
        a4.Store(dest + 4 * Width);
        a5.Store(dest + 5 * Width);
        a6.Store(dest + 6 * Width);
        a7.Store(dest + 7 * Width);
    }

    /// <summary>
    /// Turns the first <paramref name="count"/> rows of integer dot products at <paramref name="acc"/> (as written by
    /// <see cref="ScoreTile"/>) in place into the upper bounds <c>U = fma(I, s · s_q, C + w)</c>,
    /// <c>w = fma(‖q‖, R, ‖ε‖ · N)</c>, of the exact scores (<see cref="QuantizedItems"/>), the same floats on every
    /// kind, and sets bit l of <c>masks[j]</c> when <c>U</c> of row j, lane l is above <c>thresholds[j]</c> or NaN.
    /// <paramref name="scale"/> and <paramref name="offset"/> are the panel's 16 per-item s and C; R and N its scalars;
    /// the query arrays are indexed by tile row.
    /// </summary>
    public static void UpperBounds(QuantizedKernelKind kind, int* acc, int count, float* queryScale, float* queryNorm, float* queryError,
        float* thresholds, float* scale, float* offset, float panelNorm, float panelError, uint* masks)
    {
        float* u = (float*)acc;
        if (kind == QuantizedKernelKind.Vector512)
        {
            var s = Vector512.Load(scale); var c = Vector512.Load(offset);
            for (int j = 0; j < count; j++)
            {
                float w = MathF.FusedMultiplyAdd(queryNorm[j], panelNorm, queryError[j] * panelError);
                var b = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Vector512.Load(acc + j * Width)), s * queryScale[j], c + Vector512.Create(w));
                b.Store(u + j * Width);
                masks[j] = (uint)Avx512F.CompareNotLessThanOrEqual(b, Vector512.Create(thresholds[j])).ExtractMostSignificantBits();
            }
        }
        else if (kind is QuantizedKernelKind.Vector256 or QuantizedKernelKind.Vector256Vnni)
        {
            var s0 = Vector256.Load(scale); var c0 = Vector256.Load(offset);
            var s1 = Vector256.Load(scale + 8); var c1 = Vector256.Load(offset + 8);
            for (int j = 0; j < count; j++)
            {
                float w = MathF.FusedMultiplyAdd(queryNorm[j], panelNorm, queryError[j] * panelError);
                var vw = Vector256.Create(w);
                var t = Vector256.Create(thresholds[j]);
                var b0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.Load(acc + j * Width)), s0 * queryScale[j], c0 + vw);
                var b1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.Load(acc + j * Width + 8)), s1 * queryScale[j], c1 + vw);
                b0.Store(u + j * Width);
                b1.Store(u + j * Width + 8);
                masks[j] = Avx.CompareNotLessThanOrEqual(b0, t).ExtractMostSignificantBits() | Avx.CompareNotLessThanOrEqual(b1, t).ExtractMostSignificantBits() << 8;
            }
        }
        else
        {
            for (int j = 0; j < count; j++)
            {
                float w = MathF.FusedMultiplyAdd(queryNorm[j], panelNorm, queryError[j] * panelError);
                uint m = 0;
                for (int l = 0; l < Width; l++)
                {
                    float b = MathF.FusedMultiplyAdd(acc[j * Width + l], scale[l] * queryScale[j], offset[l] + w);
                    u[j * Width + l] = b;
                    if (!(b <= thresholds[j])) m |= 1u << l;
                }
                masks[j] = m;
            }
        }
    }

    /// <summary>Bit l set when lane l of the 16 int32 at <paramref name="row"/> is above <paramref name="threshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Above(QuantizedKernelKind kind, int* row, int threshold)
    {
        if (kind == QuantizedKernelKind.Vector512) return Above512(Vector512.Load(row), threshold);
        if (kind != QuantizedKernelKind.Scalar)
        {
            var t = Vector256.Create(threshold);
            return Vector256.GreaterThan(Vector256.Load(row), t).ExtractMostSignificantBits()
                   | Vector256.GreaterThan(Vector256.Load(row + 8), t).ExtractMostSignificantBits() << 8;
        }
        uint m = 0;
        for (int l = 0; l < Width; l++)
            if (row[l] > threshold) m |= 1u << l;
        return m;
    }

    /// <summary>
    /// Exact scores of the items <c>firstItem + l</c> for the lanes l set in <paramref name="mask"/>, written to
    /// <c>dest[l]</c> (other lanes undefined): per lane the fused multiply-add chain in dimension order, then the bias,
    /// i.e. bit-identical to <see cref="IndexVectors.Score"/>. The SIMD kinds gather one component of 8 lanes per step (AVX2
    /// gathers; .NET 10 has no 512-bit one), so 8 chains run side by side instead of one after another.
    /// </summary>
    /// <param name="kind">Kernel kind; <see cref="QuantizedKernelKind.Scalar"/> scores lane by lane.</param>
    /// <param name="query">The query row (dimension floats).</param>
    /// <param name="items">Row-major items, <c>[items, dimension]</c>.</param>
    /// <param name="dimension">Components per row.</param>
    /// <param name="biases">Per-item biases, or null for none.</param>
    /// <param name="firstItem">Item of lane 0.</param>
    /// <param name="mask">Lanes to score (non-zero).</param>
    /// <param name="dest">16 floats.</param>
    public static void ExactScores(QuantizedKernelKind kind, float* query, float* items, int dimension, float* biases, int firstItem, uint mask, float* dest)
    {
        if (kind != QuantizedKernelKind.Scalar)
        {
            for (int h = 0; h < Width; h += 8)
            {
                uint half = mask >> h & 0xFF;
                if (BitOperations.PopCount(half) < 3) continue; // a lone chain is as fast scalar
                mask &= ~(half << h);
                // Unscored lanes read the first scored item's row, so every gathered address is valid.
                int fill = firstItem + h + BitOperations.TrailingZeroCount(half);
                var on = ~Vector256.Equals(Vector256.Create((int)half) & Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128), Vector256<int>.Zero);
                var rows = Vector256.ConditionalSelect(on, Vector256.Create(firstItem + h) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(fill));
                var offsets = rows * dimension;
                var a = Vector256<float>.Zero;
                for (int d = 0; d < dimension; d++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(query[d]), Avx2.GatherVector256(items + d, offsets, 4), a);
                (a + (biases == null ? Vector256<float>.Zero : Avx2.GatherVector256(biases, rows, 4))).Store(dest + h);
            }
        }
        while (mask != 0)
        {
            int lane = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            float* x = items + (long)(firstItem + lane) * dimension;
            float a = 0f;
            for (int d = 0; d < dimension; d++) a = MathF.FusedMultiplyAdd(query[d], x[d], a);
            dest[lane] = a + (biases == null ? 0f : biases[firstItem + lane]);
        }
    }
}
