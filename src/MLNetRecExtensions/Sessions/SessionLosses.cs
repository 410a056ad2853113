using System.Numerics.Tensors;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The GRU4Rec ranking losses over the candidate scores of one mini-batch step. <c>scores</c> is <c>[b, m]</c>
/// row-major (m ≥ b): row i is example i, column i its target, every other column (the other examples' targets, then
/// the shared samples) a negative. Each function returns the SUM of the row losses and writes its gradient with
/// respect to the scores into <c>gradient</c> <c>[b, m]</c> (overwritten). With m = 1 there are no negatives: loss
/// and gradient are 0 (except for cross-entropy, whose single-candidate softmax has loss 0 too).
/// </summary>
/// <remarks>
/// Per row with target score t = r_i and negatives j ≠ i (K = m − 1 of them), s the softmax of the negatives' scores:
/// <list type="bullet">
/// <item>TOP1: <c>(1/K)·Σ_j [σ(r_j − t) + σ(r_j²)]</c>; BPR: <c>(1/K)·Σ_j −log σ(t − r_j)</c> (the mean over the
/// negatives only; the original Theano code also averages in the target's own column).</item>
/// <item>TOP1-max: <c>Σ_j s_j·[σ(r_j − t) + σ(r_j²)]</c>; BPR-max: <c>−log(Σ_j s_j·σ(t − r_j) + 1e−24) + λ·Σ_j s_j·r_j²</c>.</item>
/// <item>Cross-entropy: <c>−log softmax(r − logQ)_i</c>, the softmax over all m columns of the scores minus the
/// per-column log-Q offsets (empty = none).</item>
/// </list>
/// </remarks>
internal static class SessionLosses
{
    public static double Compute(Gru4RecLoss loss, int b, int m, ReadOnlySpan<float> scores, Span<float> gradient,
        float bprRegularization, ReadOnlySpan<float> logQOffsets, float[] work)
    {
        double total = 0;
        for (int i = 0; i < b; i++)
            total += Row(loss, scores.Slice(i * m, m), i, gradient.Slice(i * m, m), bprRegularization, logQOffsets, work);
        return total;
    }

    /// <summary>The loss of one row whose target is column <paramref name="target"/>; writes its gradient into <paramref name="grad"/>.</summary>
    public static double Row(Gru4RecLoss loss, ReadOnlySpan<float> row, int target, Span<float> grad, float bprRegularization,
        ReadOnlySpan<float> logQOffsets, float[] work) => loss switch
    {
        Gru4RecLoss.CrossEntropy => CrossEntropy(row, target, grad, logQOffsets),
        Gru4RecLoss.Bpr => Bpr(row, target, grad),
        Gru4RecLoss.Top1 => Top1(row, target, grad),
        Gru4RecLoss.BprMax => BprMax(row, target, grad, bprRegularization, work),
        Gru4RecLoss.Top1Max => Top1Max(row, target, grad, work),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss."),
    };

    private static double CrossEntropy(ReadOnlySpan<float> row, int target, Span<float> grad, ReadOnlySpan<float> offsets)
    {
        var u = grad;
        if (offsets.IsEmpty) row.CopyTo(u);
        else TensorPrimitives.Subtract(row, offsets, u);
        float max = TensorPrimitives.Max(u);
        float ut = u[target];
        TensorPrimitives.Subtract(u, max, u);
        TensorPrimitives.Exp(u, u);
        float sum = TensorPrimitives.Sum(u);
        TensorPrimitives.Multiply(u, 1f / sum, u);
        grad[target] -= 1f;
        return Math.Log(sum) + max - ut;
    }

    private static double Bpr(ReadOnlySpan<float> row, int target, Span<float> grad)
    {
        int m = row.Length;
        if (m == 1) { grad.Clear(); return 0; }
        float t = row[target], inv = 1f / (m - 1);
        double loss = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) continue;
            float x = t - row[j];
            // −log σ(x) = softplus(−x)
            loss += x > 0 ? Math.Log(1 + Math.Exp(-x)) : -x + Math.Log(1 + Math.Exp(x));
            grad[j] = inv * Sigmoid(-x);
        }
        float dt = 0;
        for (int j = 0; j < m; j++) if (j != target) dt -= grad[j];
        grad[target] = dt;
        return loss * inv;
    }

    private static double Top1(ReadOnlySpan<float> row, int target, Span<float> grad)
    {
        int m = row.Length;
        if (m == 1) { grad.Clear(); return 0; }
        float t = row[target], inv = 1f / (m - 1), dt = 0;
        double loss = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) continue;
            float o = row[j];
            float a = Sigmoid(o - t), q = Sigmoid(o * o);
            loss += a + q;
            float da = a * (1f - a);
            grad[j] = inv * (da + 2f * o * q * (1f - q));
            dt -= inv * da;
        }
        grad[target] = dt;
        return loss * inv;
    }

    // Softmax over the negatives (target column excluded) into s; returns false when there are none.
    private static bool NegativeSoftmax(ReadOnlySpan<float> row, int target, Span<float> s)
    {
        if (row.Length == 1) return false;
        row.CopyTo(s);
        s[target] = float.NegativeInfinity;
        float max = TensorPrimitives.Max(s);
        TensorPrimitives.Subtract(s, max, s);
        TensorPrimitives.Exp(s, s);
        s[target] = 0f;
        float sum = TensorPrimitives.Sum(s);
        TensorPrimitives.Multiply(s, 1f / sum, s);
        return true;
    }

    private static double BprMax(ReadOnlySpan<float> row, int target, Span<float> grad, float lambda, float[] work)
    {
        int m = row.Length;
        var s = work.AsSpan(0, m);
        var sig = work.AsSpan(m, m);
        if (!NegativeSoftmax(row, target, s)) { grad.Clear(); return 0; }
        float t = row[target];
        // sig_j = σ(t − r_j)
        TensorPrimitives.Subtract(t, row, sig);
        TensorPrimitives.Sigmoid(sig, sig);
        sig[target] = 0f;
        double sumS = 0, reg = 0;
        for (int j = 0; j < m; j++) { sumS += (double)s[j] * sig[j]; reg += (double)s[j] * row[j] * row[j]; }
        double a = sumS + 1e-24;
        float invA = (float)(1 / a), fs = (float)sumS, fr = (float)reg;
        float dt = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) continue;
            float sj = s[j], gj = sig[j], dsig = gj * (1f - gj), o = row[j];
            dt -= invA * sj * dsig;
            // ∂(−log A)/∂r_j = −s_j(−σ'_j + σ_j − S)/A ; ∂R/∂r_j = s_j(2 r_j + r_j² − R)
            grad[j] = -invA * sj * (-dsig + gj - fs) + lambda * sj * (2f * o + o * o - fr);
        }
        grad[target] = dt;
        return -Math.Log(a) + lambda * reg;
    }

    private static double Top1Max(ReadOnlySpan<float> row, int target, Span<float> grad, float[] work)
    {
        int m = row.Length;
        var s = work.AsSpan(0, m);
        var f = work.AsSpan(m, m);
        if (!NegativeSoftmax(row, target, s)) { grad.Clear(); return 0; }
        float t = row[target];
        double loss = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) { f[j] = 0; continue; }
            float o = row[j];
            f[j] = Sigmoid(o - t) + Sigmoid(o * o);
            loss += (double)s[j] * f[j];
        }
        float l = (float)loss, dt = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) continue;
            float o = row[j], a = Sigmoid(o - t), q = Sigmoid(o * o), da = a * (1f - a);
            dt -= s[j] * da;
            grad[j] = s[j] * (f[j] - l) + s[j] * (da + 2f * o * q * (1f - q));
        }
        grad[target] = dt;
        return loss;
    }

    private static float Sigmoid(float x) => x >= 0 ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));
}
