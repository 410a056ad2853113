namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Single-precision general matrix multiply, <c>C = alpha·op(A)·op(B) + beta·C</c>, on row-major matrices.
/// </summary>
/// <remarks>
/// <para>Shapes: <c>op(A)</c> is <c>[m, k]</c>, <c>op(B)</c> is <c>[k, n]</c>, <c>C</c> is <c>[m, n]</c>. All matrices are
/// row-major with a leading dimension (the distance, in floats, between the starts of two consecutive stored rows):</para>
/// <list type="bullet">
/// <item><c>transposeA = false</c>: A is stored <c>[m, k]</c>, element <c>(i, p)</c> at <c>a[i·lda + p]</c>, <c>lda ≥ k</c>.</item>
/// <item><c>transposeA = true</c>: A is stored <c>[k, m]</c>, <c>op(A)(i, p)</c> at <c>a[p·lda + i]</c>, <c>lda ≥ m</c>.</item>
/// <item><c>transposeB = false</c>: B is stored <c>[k, n]</c>, element <c>(p, j)</c> at <c>b[p·ldb + j]</c>, <c>ldb ≥ n</c>.</item>
/// <item><c>transposeB = true</c>: B is stored <c>[n, k]</c>, <c>op(B)(p, j)</c> at <c>b[j·ldb + p]</c>, <c>ldb ≥ k</c>.</item>
/// <item>C is stored <c>[m, n]</c>, element <c>(i, j)</c> at <c>c[i·ldc + j]</c>, <c>ldc ≥ n</c>.</item>
/// </list>
/// <para>As in BLAS, when <c>beta</c> is 0 the previous contents of C are not read (NaN there does not propagate), and
/// when <c>k</c> is 0 the result is <c>beta·C</c>. C must not overlap A or B.</para>
/// <para>Large products use a cache-blocked kernel (packed panels, an AVX-512 or AVX2 FMA register-blocked
/// micro-kernel, a scalar kernel elsewhere) split over up to <c>maxThreads</c> threads; tiny ones use an unpacked
/// loop. The result for given inputs and shape does not depend on the thread count: every element of C is summed in
/// the same order whichever thread computes it.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>Computes <c>C = alpha·op(A)·op(B) + beta·C</c> on densely stored matrices (leading dimension = stored row length).</summary>
    /// <param name="transposeA">Whether A is stored as <c>[k, m]</c> (use its transpose) instead of <c>[m, k]</c>.</param>
    /// <param name="transposeB">Whether B is stored as <c>[n, k]</c> (use its transpose) instead of <c>[k, n]</c>.</param>
    /// <param name="m">Rows of C and of <c>op(A)</c>.</param>
    /// <param name="n">Columns of C and of <c>op(B)</c>.</param>
    /// <param name="k">Columns of <c>op(A)</c> = rows of <c>op(B)</c>.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major, <c>m·k</c> values.</param>
    /// <param name="b">B, row-major, <c>k·n</c> values.</param>
    /// <param name="beta">Scale of the previous C (0: C is overwritten and not read).</param>
    /// <param name="c">C, row-major <c>[m, n]</c>, <c>m·n</c> values; updated in place.</param>
    /// <param name="maxThreads">Most threads to use; 0 (default) means <see cref="Environment.ProcessorCount"/>.</param>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c, int maxThreads = 0)
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, Math.Max(1, transposeA ? m : k), b, Math.Max(1, transposeB ? k : n),
            beta, c, Math.Max(1, n), maxThreads);

    /// <summary>Computes <c>C = alpha·op(A)·op(B) + beta·C</c> with explicit leading dimensions (see the type remarks for layouts).</summary>
    /// <param name="transposeA">Whether A is stored as <c>[k, m]</c> (use its transpose) instead of <c>[m, k]</c>.</param>
    /// <param name="transposeB">Whether B is stored as <c>[n, k]</c> (use its transpose) instead of <c>[k, n]</c>.</param>
    /// <param name="m">Rows of C and of <c>op(A)</c>.</param>
    /// <param name="n">Columns of C and of <c>op(B)</c>.</param>
    /// <param name="k">Columns of <c>op(A)</c> = rows of <c>op(B)</c>.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Leading dimension of A: ≥ k when not transposed, ≥ m when transposed.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Leading dimension of B: ≥ n when not transposed, ≥ k when transposed.</param>
    /// <param name="beta">Scale of the previous C (0: C is overwritten and not read).</param>
    /// <param name="c">C, row-major <c>[m, n]</c> with leading dimension <paramref name="ldc"/>; updated in place.</param>
    /// <param name="ldc">Leading dimension of C, ≥ n.</param>
    /// <param name="maxThreads">Most threads to use; 0 (default) means <see cref="Environment.ProcessorCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or leading dimension is negative or too small, or a span is too short.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int maxThreads = 0)
    {
        Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, maxThreads);
        if (m == 0 || n == 0) return;
        var op = new GemmOperands(transposeA, transposeB, m, n, k, alpha, lda, ldb, beta, ldc);
        if (k == 0 || alpha == 0f)
        {
            GemmSmall.ScaleC(c, op);
            return;
        }
        if (ForcedKernel is null && GemmSmall.IsPreferred(m, n, k, transposeB))
        {
            GemmSmall.Multiply(a, b, c, op);
            return;
        }
        int threads = maxThreads == 0 ? Environment.ProcessorCount : maxThreads;
        GemmBlocked.Multiply(a, b, c, op, threads, ForcedKernel);
    }

    /// <summary>
    /// Test hook, per calling thread: forces the blocked path and one micro-kernel (null = pick the widest the CPU
    /// accelerates). Kernels whose vectors the CPU lacks still compute exactly, in slow software emulation.
    /// </summary>
    internal static GemmKernelKind? ForcedKernel
    {
        get => t_forcedKernel;
        set => t_forcedKernel = value;
    }

    [ThreadStatic]
    private static GemmKernelKind? t_forcedKernel;

    private static void Validate(bool transposeA, bool transposeB, int m, int n, int k, int aLength, int lda,
        int bLength, int ldb, int cLength, int ldc, int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(maxThreads);
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckOperand("a", "lda", aRows, aCols, lda, aLength);
        CheckOperand("b", "ldb", bRows, bCols, ldb, bLength);
        CheckOperand("c", "ldc", m, n, ldc, cLength);
    }

    private static void CheckOperand(string name, string ldName, int rows, int cols, int ld, int length)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"Leading dimension {ldName} = {ld} is smaller than the {cols} stored columns of '{name}'; pass at least {Math.Max(1, cols)}.");
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentOutOfRangeException(name, length,
                $"Span '{name}' holds {length} floats but a stored [{rows}, {cols}] matrix with leading dimension {ld} needs {needed}.");
    }
}
