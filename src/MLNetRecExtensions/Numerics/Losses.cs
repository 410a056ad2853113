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
    {
        RowSoftmax.Validate(logits.Length, rows, cols, columnOffsets, excluded);
        if (targets.Length != rows) throw new ArgumentOutOfRangeException(nameof(targets), targets.Length, $"Expected one target per row ({rows}).");
        if (dLogits.Length != rows * cols) throw new ArgumentOutOfRangeException(nameof(dLogits), dLogits.Length, $"Expected [rows, cols] = {rows} × {cols} values.");
        if (rows == 0) return 0f;
        double total = 0;
        float invRows = 1f / rows;
        var z = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if ((uint)t >= (uint)cols || (!excluded.IsEmpty && excluded[r * cols + t]))
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"targets[{r}] = {t} must be a non-excluded column in [0, {cols}).");
            float lse = RowSoftmax.AdjustedRowLogSumExp(logits, r, cols, columnOffsets, excluded, z);
            float targetLogit = logits[r * cols + t] - (columnOffsets.IsEmpty ? 0f : columnOffsets[t]);
            total += lse - targetLogit;
            var d = dLogits.Slice(r * cols, cols);
            RowSoftmax.RowProbabilities(logits, r, cols, lse, columnOffsets, excluded, d);
            d[t] -= 1f;
            TensorPrimitives.Multiply(d, invRows, d);
        }
        return (float)(total / rows);
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
