using System.Runtime.CompilerServices;
namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Copies blocks of <c>op(A)</c> and <c>op(B)</c> into the contiguous, zero-padded micro-panel layout the
/// micro-kernels read (<see cref="IGemmMicroKernel"/>), handling both storage orders of each operand.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs <c>op(A)[i0 .. i0+mc, p0 .. p0+kc]</c> into <c>ceil(mc/mr)</c> micro-panels of <c>kc × mr</c>
    /// (panel q, step p, row r at <c>dst[q·kc·mr + p·mr + r]</c>); rows past <c>mc</c> are zero.
    /// </summary>
    public static void PackA(float* a, in GemmOperands op, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (op.TransposeA) PackContiguousRows(a + (long)p0 * op.Lda + i0 + ir, op.Lda, kc, rows, mr, panel);
            else PackStridedColumns(a + (long)(i0 + ir) * op.Lda + p0, op.Lda, kc, rows, mr, panel);
        }
    }

    /// <summary>
    /// Packs <c>op(B)[p0 .. p0+kc, j0 .. j0+nc]</c> into <c>ceil(nc/nr)</c> micro-panels of <c>kc × nr</c>
    /// (panel q, step p, column j at <c>dst[q·kc·nr + p·nr + j]</c>); columns past <c>nc</c> are zero.
    /// </summary>
    public static void PackB(float* b, in GemmOperands op, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (op.TransposeB) PackStridedColumns(b + (long)(j0 + jr) * op.Ldb + p0, op.Ldb, kc, cols, nr, panel);
            else PackContiguousRows(b + (long)p0 * op.Ldb + j0 + jr, op.Ldb, kc, cols, nr, panel);
        }
    }

    /// <summary>Source step p holds the <paramref name="count"/> wanted values contiguously at <c>src + p·ld</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow tier-0 code
    private static void PackContiguousRows(float* src, int ld, int kc, int count, int width, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            new ReadOnlySpan<float>(src + (long)p * ld, count).CopyTo(new Span<float>(dst, count));
            if (count < width) new Span<float>(dst + count, width - count).Clear();
            dst += width;
        }
    }

    /// <summary>Wanted value r of step p is at <c>src + r·ld + p</c> (a transpose while copying).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow tier-0 code
    private static void PackStridedColumns(float* src, int ld, int kc, int count, int width, float* dst)
    {
        if (count < width) new Span<float>(dst, kc * width).Clear();
        for (int r = 0; r < count; r++)
        {
            float* s = src + (long)r * ld;
            float* d = dst + r;
            for (int p = 0; p < kc; p++) d[(long)p * width] = s[p];
        }
    }
}
