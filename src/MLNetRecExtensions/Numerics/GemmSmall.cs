using System.Buffers;
using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// The unpacked GEMM path for tiny products, where packing panels would cost more than it saves: one row of C at a
/// time, accumulated with <see cref="TensorPrimitives"/> (axpy over rows of B, or dot products with rows of a
/// transposed B).
/// </summary>
internal static class GemmSmall
{
    /// <summary>Below this many multiply-adds the packed kernel does not pay for its packing.</summary>
    private const long MaxMultiplyAdds = 48 * 48 * 48;

    /// <summary>Tiny products, and single-row products (a matrix-vector product wastes most of a padded panel).</summary>
    public static bool IsPreferred(int m, int n, int k, bool transposeB)
        => (long)m * n * k <= MaxMultiplyAdds || (m == 1 && (transposeB || n >= 16));

    /// <summary>C = beta·C (C set to 0 when beta is 0, without reading it).</summary>
    public static void ScaleC(Span<float> c, in GemmOperands op)
    {
        for (int i = 0; i < op.M; i++)
        {
            var row = c.Slice(i * op.Ldc, op.N);
            if (op.Beta == 0f) row.Clear();
            else if (op.Beta != 1f) TensorPrimitives.Multiply(row, op.Beta, row);
        }
    }

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, in GemmOperands op)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(op.K + op.N);
        try
        {
            var aRow = rented.AsSpan(0, op.K);
            var acc = rented.AsSpan(op.K, op.N);
            for (int i = 0; i < op.M; i++)
            {
                for (int p = 0; p < op.K; p++) aRow[p] = a[(int)op.AIndex(i, p)];
                RowTimesB(aRow, b, acc, op);
                StoreRow(acc, c.Slice(i * op.Ldc, op.N), op.Alpha, op.Beta);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>acc[j] = Σ_p aRow[p]·op(B)(p, j).</summary>
    private static void RowTimesB(ReadOnlySpan<float> aRow, ReadOnlySpan<float> b, Span<float> acc, in GemmOperands op)
    {
        if (op.TransposeB)
        {
            for (int j = 0; j < op.N; j++) acc[j] = TensorPrimitives.Dot(aRow, b.Slice(j * op.Ldb, op.K));
            return;
        }
        acc.Clear();
        for (int p = 0; p < op.K; p++)
        {
            TensorPrimitives.MultiplyAdd(b.Slice(p * op.Ldb, op.N), aRow[p], acc, acc);
        }
    }

    private static void StoreRow(ReadOnlySpan<float> acc, Span<float> cRow, float alpha, float beta)
    {
        if (beta == 0f)
        {
            TensorPrimitives.Multiply(acc, alpha, cRow);
            return;
        }
        for (int j = 0; j < cRow.Length; j++) cRow[j] = MathF.FusedMultiplyAdd(alpha, acc[j], beta * cRow[j]);
    }
}
