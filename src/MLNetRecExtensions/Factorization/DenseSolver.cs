using System.Numerics.Tensors;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Small dense symmetric positive-definite solves used by the per-row ALS updates. Matrices are <c>[n, n]</c>
/// row-major in double precision; only the lower triangle is read and it is overwritten by the Cholesky factor.
/// </summary>
internal static class DenseSolver
{
    /// <summary>Adds <c>w·y yᵀ</c> to the <c>[n, n]</c> row-major float matrix <paramref name="a"/> (SIMD per row; full rows, not just the lower triangle).</summary>
    public static void AddOuter(Span<float> a, ReadOnlySpan<float> y, float w, int n)
    {
        for (int r = 0; r < y.Length; r++)
        {
            var row = a.Slice(r * n, y.Length);
            TensorPrimitives.MultiplyAdd(y, w * y[r], row, row);
        }
    }

    /// <summary>
    /// Solves <c>A x = b</c> in place: on return <paramref name="b"/> holds <c>x</c> and the lower triangle of
    /// <paramref name="a"/> holds <c>L</c> with <c>A = L Lᵀ</c>. Returns false when <c>A</c> is not positive definite.
    /// </summary>
    public static bool CholeskySolve(Span<double> a, Span<double> b, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * n, j);
            double d = a[j * n + j] - TensorPrimitives.Dot<double>(rowJ, rowJ);
            if (!(d > 0)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                a[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot<double>(a.Slice(i * n, j), rowJ)) / d;
            }
        }
        // Forward substitution L y = b, then back substitution Lᵀ x = y.
        for (int i = 0; i < n; i++)
        {
            b[i] = (b[i] - TensorPrimitives.Dot<double>(a.Slice(i * n, i), b[..i])) / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
            b[i] = s / a[i * n + i];
        }
        return true;
    }
}
