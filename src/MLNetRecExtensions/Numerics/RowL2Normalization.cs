using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Scales each row of a row-major <c>[rows, cols]</c> matrix to unit Euclidean length:
/// <c>y[r] = x[r] / max(‖x[r]‖, epsilon)</c> (rows shorter than epsilon are divided by epsilon, so a zero row stays zero).
/// </summary>
public static class RowL2Normalization
{
    /// <summary>Default floor on the divisor.</summary>
    public const float DefaultEpsilon = 1e-12f;

    /// <summary>Writes <c>y</c> (<c>[rows, cols]</c>, may be <c>x</c>) and each row's divisor <c>max(‖x[r]‖, epsilon)</c> into <paramref name="divisors"/> (<c>[rows]</c>).</summary>
    public static void Forward(ReadOnlySpan<float> x, int rows, int cols, Span<float> y, Span<float> divisors, float epsilon = DefaultEpsilon)
    {
        Validate(x.Length, y.Length, divisors.Length, rows, cols, epsilon);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float divisor = MathF.Max(TensorPrimitives.Norm(row), epsilon);
            divisors[r] = divisor;
            TensorPrimitives.Divide(row, divisor, y.Slice(r * cols, cols));
        }
    }

    /// <summary>
    /// Backward from the forward output <c>y</c> and divisors: <c>dx = (dy − y·(y·dy)) / ‖x‖</c> for rows with
    /// <c>‖x‖ ≥ epsilon</c>, and <c>dx = dy / epsilon</c> for the shorter rows (where the forward pass is linear).
    /// <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> divisors, ReadOnlySpan<float> dy, int rows, int cols,
        Span<float> dx, float epsilon = DefaultEpsilon)
    {
        Validate(y.Length, dy.Length, divisors.Length, rows, cols, epsilon);
        if (dx.Length != dy.Length) throw new ArgumentOutOfRangeException(nameof(dx), dx.Length, $"Expected [rows, cols] = {rows} × {cols} values.");
        for (int r = 0; r < rows; r++)
        {
            var yRow = y.Slice(r * cols, cols);
            var dyRow = dy.Slice(r * cols, cols);
            var dxRow = dx.Slice(r * cols, cols);
            float divisor = divisors[r];
            if (divisor > epsilon)
            {
                float projection = TensorPrimitives.Dot(yRow, dyRow);
                TensorPrimitives.MultiplyAdd(yRow, -projection, dyRow, dxRow);
                TensorPrimitives.Divide(dxRow, divisor, dxRow);
            }
            else
            {
                TensorPrimitives.Divide(dyRow, epsilon, dxRow);
            }
        }
    }

    private static void Validate(int xLength, int yLength, int divisorsLength, int rows, int cols, float epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        if (xLength != (long)rows * cols || yLength != xLength)
            throw new ArgumentOutOfRangeException("x", xLength, $"Expected matrices of [rows, cols] = {rows} × {cols} values; got {xLength} and {yLength}.");
        if (divisorsLength != rows)
            throw new ArgumentOutOfRangeException("divisors", divisorsLength, $"Expected one divisor per row ({rows}).");
    }
}
