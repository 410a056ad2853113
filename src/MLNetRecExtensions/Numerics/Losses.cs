using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>Losses that return their value and write the gradient with respect to their logits in one pass.</summary>
public static class Losses
{
    /// <summary>
    /// Mean softmax cross-entropy over the rows of <c>[rows, cols]</c> logits with one target column per row:
    /// <c>L = (1/rows) Σ_r (lse_r − z[r, targets[r]])</c> where <c>z = logits − columnOffsets</c> and <c>lse_r</c> is the
    /// row's log-sum-exp over non-excluded entries (see <see cref="RowSoftmax"/> for the offsets and the mask).
    /// Writes <c>dLogits = (softmax(z) − onehot(target)) / rows</c> (<c>[rows, cols]</c>, excluded entries 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside <c>[0, cols)</c> or is itself excluded, or a span has the wrong length.</exception>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int rows, int cols, ReadOnlySpan<int> targets,
        Span<float> dLogits, ReadOnlySpan<float> columnOffsets = default, ReadOnlySpan<bool> excluded = default)
        => SoftmaxCrossEntropy(logits, rows, cols, targets, dLogits, columnOffsets, excluded, maxDegreeOfParallelism: 1);

    /// <summary>
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{bool})"/>
    /// with the rows split over up to <paramref name="maxDegreeOfParallelism"/> threads (≤ 0: one per core). Each row is
    /// computed the same way on any thread and the row losses are summed in row order, so the result does not depend
    /// on the thread count.
    /// </summary>
    public static unsafe float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int rows, int cols, ReadOnlySpan<int> targets,
        Span<float> dLogits, ReadOnlySpan<float> columnOffsets, ReadOnlySpan<bool> excluded, int maxDegreeOfParallelism)
    {
        RowSoftmax.Validate(logits.Length, rows, cols, columnOffsets, excluded);
        if (targets.Length != rows) throw new ArgumentOutOfRangeException(nameof(targets), targets.Length, $"Expected one target per row ({rows}).");
        if (dLogits.Length != rows * cols) throw new ArgumentOutOfRangeException(nameof(dLogits), dLogits.Length, $"Expected [rows, cols] = {rows} × {cols} values.");
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if ((uint)t >= (uint)cols || (!excluded.IsEmpty && excluded[r * cols + t]))
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{r}] = {t} must be a non-excluded column in [0, {cols}).");
        }
        if (rows == 0) return 0f;
        var rowLoss = new double[rows];
        int workers = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        // Below ~64k entries a thread hand-off costs more than it saves.
        workers = Math.Min(workers, Math.Max(1, (int)((long)rows * cols / 65536)));
        fixed (float* pLogits = logits, pD = dLogits, pOffsets = columnOffsets)
        fixed (int* pTargets = targets)
        fixed (bool* pExcluded = excluded)
        {
            var rowsOf = new CrossEntropyRows((nint)pLogits, (nint)pD, (nint)pOffsets, columnOffsets.Length, (nint)pTargets,
                (nint)pExcluded, excluded.Length, cols, 1f / rows, rowLoss);
            if (workers == 1) rowsOf.Run(0, rows);
            else
            {
                int chunk = (rows + workers - 1) / workers;
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                    w => rowsOf.Run(w * chunk, Math.Min(rows, (w + 1) * chunk)));
            }
        }
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        return (float)(total / rows);
    }

    // One row of the cross-entropy in a single exp pass: z = logits − offsets (excluded → −∞),
    // loss = max + log Σ e^(z−max) − z_t, dLogits = (e^(z−max) / Σ − onehot(t)) / rows.
    private readonly unsafe struct CrossEntropyRows(nint logits, nint dLogits, nint offsets, int offsetCount, nint targets,
        nint excluded, int excludedCount, int cols, float invRows, double[] rowLoss)
    {
        public void Run(int first, int end)
        {
            var offsetSpan = new ReadOnlySpan<float>((float*)offsets, offsetCount);
            var excludedSpan = new ReadOnlySpan<bool>((bool*)excluded, excludedCount);
            for (int r = first; r < end; r++)
            {
                var row = new ReadOnlySpan<float>((float*)logits + (long)r * cols, cols);
                var d = new Span<float>((float*)dLogits + (long)r * cols, cols);
                int t = ((int*)targets)[r];
                var mask = excludedSpan.IsEmpty ? default : excludedSpan.Slice(r * cols, cols);
                bool masked = mask.Contains(true);
                float target, max, sum;
                if (offsetSpan.IsEmpty && !masked)
                {
                    // Straight from the logits: no copy of the row.
                    target = row[t];
                    (max, sum) = RowSoftmax.ShiftedExp(row, d);
                }
                else
                {
                    if (offsetSpan.IsEmpty) row.CopyTo(d);
                    else TensorPrimitives.Subtract(row, offsetSpan, d);
                    if (masked)
                        for (int c = 0; c < cols; c++)
                            if (mask[c]) d[c] = float.NegativeInfinity;
                    target = d[t];
                    (max, sum) = RowSoftmax.ShiftedExp(d, d);
                }
                rowLoss[r] = max + MathF.Log(sum) - target;
                TensorPrimitives.Multiply(d, invRows / sum, d);
                d[t] -= invRows;
            }
        }
    }

    /// <summary>
    /// Mean weighted binary logistic loss from logits: <c>L = (1/n) Σ_i w_i·(log(1 + e^(z_i)) − y_i·z_i)</c>, computed
    /// stably as <c>max(z, 0) − y·z + log(1 + e^(−|z|))</c>; labels <c>y_i ∈ [0, 1]</c>, weights <c>w_i ≥ 0</c> (empty:
    /// all 1). Writes <c>dLogits_i = w_i·(σ(z_i) − y_i) / n</c>. Note the divisor is n, not Σw.
    /// </summary>
    public static float Logistic(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> dLogits, ReadOnlySpan<float> weights = default)
    {
        int n = logits.Length;
        if (labels.Length != n || dLogits.Length != n || (!weights.IsEmpty && weights.Length != n))
            throw new ArgumentOutOfRangeException(nameof(labels),
                $"logits ({n}), labels ({labels.Length}), dLogits ({dLogits.Length}) and weights ({weights.Length}, or empty) must have equal lengths.");
        if (n == 0) return 0f;
        double total = 0;
        float invN = 1f / n;
        for (int i = 0; i < n; i++)
        {
            float z = logits[i], y = labels[i], w = weights.IsEmpty ? 1f : weights[i];
            float loss = MathF.Max(z, 0f) - y * z + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
            total += (double)w * loss;
            float sigmoid = z >= 0f ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));
            dLogits[i] = w * (sigmoid - y) * invN;
        }
        return (float)(total / n);
    }
}
