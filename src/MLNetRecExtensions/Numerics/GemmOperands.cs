namespace MLNetRecExtensions.Numerics;

/// <summary>The validated shape, layout flags and scalars of one <see cref="Gemm"/> call.</summary>
internal readonly record struct GemmOperands(bool TransposeA, bool TransposeB, int M, int N, int K, float Alpha,
    int Lda, int Ldb, float Beta, int Ldc)
{
    /// <summary>Offset of <c>op(A)(i, p)</c> in the stored A.</summary>
    public long AIndex(int i, int p) => TransposeA ? (long)p * Lda + i : (long)i * Lda + p;

    /// <summary>Offset of <c>op(B)(p, j)</c> in the stored B.</summary>
    public long BIndex(int p, int j) => TransposeB ? (long)j * Ldb + p : (long)p * Ldb + j;
}

/// <summary>Micro-kernel families of the blocked GEMM.</summary>
internal enum GemmKernelKind
{
    /// <summary>AVX-512: 12 rows × 32 columns, 24 zmm accumulators.</summary>
    Vector512,
    /// <summary>AVX2 / any 256-bit SIMD: 6 rows × 16 columns, 12 ymm accumulators.</summary>
    Vector256,
    /// <summary>Portable scalar: 4 × 4.</summary>
    Scalar,
}
