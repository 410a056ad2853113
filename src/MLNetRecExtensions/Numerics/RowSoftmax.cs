using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Numerically stable log-sum-exp and softmax over the rows of a row-major <c>[rows, cols]</c> logit matrix, with two
/// optional adjustments used by sampled softmax:
/// <list type="bullet">
/// <item><c>columnOffsets</c> (length <c>cols</c>, or empty): subtracted from every row, i.e. the softmax runs over
/// <c>logits[r, c] − columnOffsets[c]</c> — the log-Q correction, with <c>columnOffsets[c] = log Q(candidate c)</c>.</item>
/// <item><c>excluded</c> (length <c>rows·cols</c>, or empty): entries that are left out of the row's softmax (treated as
/// −∞; they get probability 0 and gradient 0) — e.g. accidental hits of a row's own positive among the negatives.</item>
/// </list>
/// A row whose entries are all excluded has log-sum-exp −∞ and all-zero probabilities.
/// </summary>
public static class RowSoftmax
{
    /// <summary><c>result[r] = log Σ_c exp(logits[r, c] − offsets[c])</c> over the non-excluded columns; result is <c>[rows]</c>.</summary>
    public static void LogSumExp(ReadOnlySpan<float> logits, int rows, int cols, Span<float> result,
        ReadOnlySpan<float> columnOffsets = default, ReadOnlySpan<bool> excluded = default)
    {
        Validate(logits.Length, rows, cols, columnOffsets, excluded);
        if (result.Length != rows) throw new ArgumentOutOfRangeException(nameof(result), result.Length, $"Expected {rows} values (one per row).");
        var z = new float[cols];
        for (int r = 0; r < rows; r++) result[r] = AdjustedRowLogSumExp(logits, r, cols, columnOffsets, excluded, z);
    }

    /// <summary>
    /// Backward of <see cref="LogSumExp"/>: <c>dLogits[r, c] = dResult[r] · softmax(r, c)</c> (0 for excluded entries),
    /// given the forward <paramref name="logSumExp"/> values. <c>dLogits</c> is <c>[rows, cols]</c> and is overwritten.
    /// </summary>
    public static void LogSumExpBackward(ReadOnlySpan<float> logits, int rows, int cols, ReadOnlySpan<float> logSumExp,
        ReadOnlySpan<float> dResult, Span<float> dLogits, ReadOnlySpan<float> columnOffsets = default, ReadOnlySpan<bool> excluded = default)
    {
        Validate(logits.Length, rows, cols, columnOffsets, excluded);
        if (logSumExp.Length != rows || dResult.Length != rows || dLogits.Length != rows * cols)
            throw new ArgumentOutOfRangeException(nameof(dLogits), "Expected logSumExp and dResult of [rows] and dLogits of [rows, cols].");
        for (int r = 0; r < rows; r++)
        {
            var d = dLogits.Slice(r * cols, cols);
            RowProbabilities(logits, r, cols, logSumExp[r], columnOffsets, excluded, d);
            TensorPrimitives.Multiply(d, dResult[r], d);
        }
    }

    /// <summary>Row-wise softmax of the adjusted logits into <paramref name="probabilities"/> (<c>[rows, cols]</c>).</summary>
    public static void Forward(ReadOnlySpan<float> logits, int rows, int cols, Span<float> probabilities,
        ReadOnlySpan<float> columnOffsets = default, ReadOnlySpan<bool> excluded = default)
    {
        Validate(logits.Length, rows, cols, columnOffsets, excluded);
        if (probabilities.Length != rows * cols)
            throw new ArgumentOutOfRangeException(nameof(probabilities), probabilities.Length, $"Expected [rows, cols] = {rows} × {cols} values.");
        var z = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            float lse = AdjustedRowLogSumExp(logits, r, cols, columnOffsets, excluded, z);
            RowProbabilities(logits, r, cols, lse, columnOffsets, excluded, probabilities.Slice(r * cols, cols));
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: <c>dLogits[r, c] = p[r, c] · (dP[r, c] − Σ_c' p[r, c']·dP[r, c'])</c>.
    /// All spans are <c>[rows, cols]</c>; <paramref name="dLogits"/> may be <paramref name="dProbabilities"/>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dProbabilities, int rows, int cols, Span<float> dLogits)
    {
        if (probabilities.Length != rows * cols || dProbabilities.Length != rows * cols || dLogits.Length != rows * cols)
            throw new ArgumentOutOfRangeException(nameof(dLogits), $"Expected three spans of [rows, cols] = {rows} × {cols} values.");
        for (int r = 0; r < rows; r++)
        {
            var p = probabilities.Slice(r * cols, cols);
            var dp = dProbabilities.Slice(r * cols, cols);
            var d = dLogits.Slice(r * cols, cols);
            float dot = TensorPrimitives.Dot(p, dp);
            TensorPrimitives.Subtract(dp, dot, d);
            TensorPrimitives.Multiply(d, p, d);
        }
    }

    /// <summary>
    /// <c>destination = e^(source − max(source))</c>; returns the max and the sum of <paramref name="destination"/>, so
    /// the log-sum-exp is <c>Max + log(Sum)</c> and the softmax <c>destination / Sum</c>. The spans may be the same.
    /// </summary>
    internal static (float Max, float Sum) ShiftedExp(ReadOnlySpan<float> source, Span<float> destination)
    {
        float max = TensorPrimitives.Max(source);
        TensorPrimitives.Subtract(source, max, destination);
        TensorPrimitives.Exp(destination, destination);
        return (max, TensorPrimitives.Sum(destination));
    }

    /// <summary>Writes the adjusted row r into <paramref name="z"/> (excluded entries −∞) and returns its log-sum-exp.</summary>
    internal static float AdjustedRowLogSumExp(ReadOnlySpan<float> logits, int r, int cols, ReadOnlySpan<float> columnOffsets,
        ReadOnlySpan<bool> excluded, Span<float> z)
    {
        AdjustRow(logits, r, cols, columnOffsets, excluded, z);
        float max = TensorPrimitives.Max(z);
        if (float.IsNegativeInfinity(max)) return float.NegativeInfinity;
        TensorPrimitives.Subtract(z, max, z);
        TensorPrimitives.Exp(z, z);
        return max + MathF.Log(TensorPrimitives.Sum(z));
    }

    /// <summary><c>p[c] = exp(adjusted(r, c) − lse)</c>, 0 for excluded entries and for an all-excluded row.</summary>
    internal static void RowProbabilities(ReadOnlySpan<float> logits, int r, int cols, float lse, ReadOnlySpan<float> columnOffsets,
        ReadOnlySpan<bool> excluded, Span<float> p)
    {
        if (float.IsNegativeInfinity(lse))
        {
            p.Clear();
            return;
        }
        AdjustRow(logits, r, cols, columnOffsets, excluded, p);
        TensorPrimitives.Subtract(p, lse, p);
        TensorPrimitives.Exp(p, p);
    }

    private static void AdjustRow(ReadOnlySpan<float> logits, int r, int cols, ReadOnlySpan<float> columnOffsets,
        ReadOnlySpan<bool> excluded, Span<float> z)
    {
        var row = logits.Slice(r * cols, cols);
        if (columnOffsets.IsEmpty) row.CopyTo(z);
        else TensorPrimitives.Subtract(row, columnOffsets, z);
        if (excluded.IsEmpty) return;
        var mask = excluded.Slice(r * cols, cols);
        for (int c = 0; c < cols; c++)
            if (mask[c]) z[c] = float.NegativeInfinity;
    }

    internal static void Validate(int logitsLength, int rows, int cols, ReadOnlySpan<float> columnOffsets, ReadOnlySpan<bool> excluded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (logitsLength != (long)rows * cols)
            throw new ArgumentOutOfRangeException("logits", logitsLength, $"Expected [rows, cols] = {rows} × {cols} values.");
        if (!columnOffsets.IsEmpty && columnOffsets.Length != cols)
            throw new ArgumentOutOfRangeException(nameof(columnOffsets), columnOffsets.Length, $"Expected one offset per column ({cols}) or none.");
        if (!excluded.IsEmpty && excluded.Length != logitsLength)
            throw new ArgumentOutOfRangeException(nameof(excluded), excluded.Length, $"Expected a [rows, cols] = {rows} × {cols} mask or none.");
    }
}
