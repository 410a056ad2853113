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
/// <para>Column weights (optional, empty = every column once): column j stands for <c>w_j</c> identical copies of
/// itself (a shared sample drawn w_j times). Every sum over columns counts it w_j times — the softmaxes weight
/// <c>e^{r_j}</c> by w_j, TOP1 and BPR average over K = Σ_{j≠i} w_j negatives — and its gradient is the sum of its
/// copies' gradients, so the loss and gradient equal those of the expanded row with the copies side by side, at a
/// fraction of the work. A target column must have weight 1.</para>
/// </remarks>
internal static class SessionLosses
{
    public static double Compute(Gru4RecLoss loss, int b, int m, ReadOnlySpan<float> scores, Span<float> gradient,
        float bprRegularization, ReadOnlySpan<float> logQOffsets, float[] work, ReadOnlySpan<float> weights = default)
    {
        double total = 0;
        for (int i = 0; i < b; i++)
            total += Row(loss, scores.Slice(i * m, m), i, gradient.Slice(i * m, m), bprRegularization, logQOffsets, work, weights);
        return total;
    }

    /// <summary>
    /// The loss of one row whose target is column <paramref name="target"/>; writes its gradient into <paramref name="grad"/>.
    /// <paramref name="work"/> holds ≥ 3·m floats; <paramref name="weights"/> are the column weights (empty = all 1).
    /// </summary>
    public static double Row(Gru4RecLoss loss, ReadOnlySpan<float> row, int target, Span<float> grad, float bprRegularization,
        ReadOnlySpan<float> logQOffsets, float[] work, ReadOnlySpan<float> weights = default) => loss switch
    {
        Gru4RecLoss.CrossEntropy => CrossEntropy(row, target, grad, logQOffsets, weights),
        Gru4RecLoss.Bpr => Bpr(row, target, grad, weights, work),
        Gru4RecLoss.Top1 => Top1(row, target, grad, weights, work),
        Gru4RecLoss.BprMax => BprMax(row, target, grad, bprRegularization, work, weights),
        Gru4RecLoss.Top1Max => Top1Max(row, target, grad, work, weights),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss."),
    };

    private static double CrossEntropy(ReadOnlySpan<float> row, int target, Span<float> grad, ReadOnlySpan<float> offsets, ReadOnlySpan<float> weights)
    {
        var u = grad;
        if (offsets.IsEmpty) row.CopyTo(u);
        else TensorPrimitives.Subtract(row, offsets, u);
        float max = TensorPrimitives.Max(u);
        float ut = u[target];
        TensorPrimitives.Subtract(u, max, u);
        TensorPrimitives.Exp(u, u);
        if (!weights.IsEmpty) TensorPrimitives.Multiply(u, weights, u);
        float sum = TensorPrimitives.Sum(u);
        TensorPrimitives.Multiply(u, 1f / sum, u);
        grad[target] -= 1f;
        return Math.Log(sum) + max - ut;
    }

    private static double Bpr(ReadOnlySpan<float> row, int target, Span<float> grad, ReadOnlySpan<float> weights, float[] work)
    {
        int m = row.Length;
        if (m == 1) { grad.Clear(); return 0; }
        float t = row[target], inv = 1f / NegativeCount(m, target, weights);
        // −log σ(t − r_j) = softplus(r_j − t), its derivative in r_j is σ(r_j − t): the sigmoids vectorized, the
        // softplus per column in double (stable for large margins).
        var d = work.AsSpan(0, m);
        TensorPrimitives.Subtract(row, t, d);
        TensorPrimitives.Sigmoid(d, grad);
        TensorPrimitives.Multiply(grad, inv, grad);
        if (!weights.IsEmpty) TensorPrimitives.Multiply(grad, weights, grad);
        grad[target] = 0f;
        double loss = 0;
        for (int j = 0; j < m; j++)
        {
            if (j == target) continue;
            double x = d[j], softplus = x < 0 ? Math.Log(1 + Math.Exp(x)) : x + Math.Log(1 + Math.Exp(-x));
            loss += weights.IsEmpty ? softplus : weights[j] * softplus;
        }
        grad[target] = -TensorPrimitives.Sum(grad);
        return loss * inv;
    }

    private static double Top1(ReadOnlySpan<float> row, int target, Span<float> grad, ReadOnlySpan<float> weights, float[] work)
    {
        int m = row.Length;
        if (m == 1) { grad.Clear(); return 0; }
        float t = row[target], inv = 1f / NegativeCount(m, target, weights);
        var a = work.AsSpan(0, m);
        var q = work.AsSpan(m, m);
        // a = σ(r − t), q = σ(r²); per negative: loss a + q, derivative a(1 − a) + 2r·q(1 − q), target −a(1 − a).
        TensorPrimitives.Subtract(row, t, a);
        TensorPrimitives.Sigmoid(a, a);
        TensorPrimitives.Multiply(row, row, q);
        TensorPrimitives.Sigmoid(q, q);
        a[target] = 0f; q[target] = 0f;
        double loss = weights.IsEmpty ? (double)TensorPrimitives.Sum(a) + TensorPrimitives.Sum(q)
            : (double)TensorPrimitives.Dot(a, weights) + TensorPrimitives.Dot(q, weights);
        TensorPrimitives.AddMultiply(a, -1f, a, a);        // −a(1 − a)
        TensorPrimitives.AddMultiply(q, -1f, q, grad);     // −q(1 − q)
        TensorPrimitives.Multiply(grad, row, grad);
        TensorPrimitives.Multiply(grad, -2f, grad);        // 2r·q(1 − q)
        TensorPrimitives.Subtract(grad, a, grad);
        TensorPrimitives.Multiply(grad, inv, grad);
        TensorPrimitives.Multiply(a, inv, a);
        if (!weights.IsEmpty)
        {
            TensorPrimitives.Multiply(grad, weights, grad);
            TensorPrimitives.Multiply(a, weights, a);
        }
        grad[target] = TensorPrimitives.Sum(a);
        return loss * inv;
    }

    // K = Σ_{j≠target} w_j, the number of negatives the row stands for.
    private static float NegativeCount(int m, int target, ReadOnlySpan<float> weights)
        => weights.IsEmpty ? m - 1 : TensorPrimitives.Sum(weights) - weights[target];

    // Softmax over the negatives (target column excluded, column j counted w_j times) into s; false when there are none.
    private static bool NegativeSoftmax(ReadOnlySpan<float> row, int target, Span<float> s, ReadOnlySpan<float> weights)
    {
        if (row.Length == 1) return false;
        row.CopyTo(s);
        s[target] = float.NegativeInfinity;
        float max = TensorPrimitives.Max(s);
        TensorPrimitives.Subtract(s, max, s);
        TensorPrimitives.Exp(s, s);
        if (!weights.IsEmpty) TensorPrimitives.Multiply(s, weights, s);
        s[target] = 0f;
        float sum = TensorPrimitives.Sum(s);
        TensorPrimitives.Multiply(s, 1f / sum, s);
        return true;
    }

    // With s the (weighted) softmax of the negatives, ∂s_k/∂r_j = s_k(δ_kj − s_j) whatever the weights, so both max
    // losses differentiate as if unweighted with s in place of the plain softmax.
    private static double BprMax(ReadOnlySpan<float> row, int target, Span<float> grad, float lambda, float[] work, ReadOnlySpan<float> weights)
    {
        int m = row.Length;
        var s = work.AsSpan(0, m);
        var sig = work.AsSpan(m, m);
        if (!NegativeSoftmax(row, target, s, weights)) { grad.Clear(); return 0; }
        float t = row[target];
        // sig_j = σ(t − r_j); S = Σ s_j·sig_j, R = Σ s_j·r_j², A = S + 1e−24.
        TensorPrimitives.Subtract(t, row, sig);
        TensorPrimitives.Sigmoid(sig, sig);
        float sumS = TensorPrimitives.Dot(s, sig);
        TensorPrimitives.Multiply(s, row, grad);
        float reg = TensorPrimitives.Dot(grad, row);
        double a = sumS + 1e-24;
        float invA = (float)(1 / a);
        // ∂(−log A)/∂r_j = −s_j(sig_j² − S)/A (since sig − σ' = sig²); ∂R/∂r_j = s_j(r_j² + 2r_j − R);
        // ∂(−log A)/∂t = −Σ s_j·sig_j(1 − sig_j)/A = −(S − Σ s_j·sig_j²)/A.
        TensorPrimitives.Multiply(sig, sig, sig);
        float dt = -invA * (sumS - TensorPrimitives.Dot(s, sig));
        TensorPrimitives.Subtract(sig, sumS, grad);
        TensorPrimitives.Multiply(grad, -invA, grad);
        if (lambda != 0f)
        {
            TensorPrimitives.Add(row, 2f, sig);
            TensorPrimitives.Multiply(sig, row, sig);
            TensorPrimitives.Subtract(sig, reg, sig);
            TensorPrimitives.MultiplyAdd(sig, lambda, grad, grad);
        }
        TensorPrimitives.Multiply(grad, s, grad);
        grad[target] = dt;
        return -Math.Log(a) + lambda * (double)reg;
    }

    private static double Top1Max(ReadOnlySpan<float> row, int target, Span<float> grad, float[] work, ReadOnlySpan<float> weights)
    {
        int m = row.Length;
        var s = work.AsSpan(0, m);
        var a = work.AsSpan(m, m);
        var q = work.AsSpan(2 * m, m);
        if (!NegativeSoftmax(row, target, s, weights)) { grad.Clear(); return 0; }
        float t = row[target];
        // a = σ(r − t), q = σ(r²), f = a + q, L = Σ s_j f_j; ∂L/∂r_j = s_j(f_j − L) + s_j(a_j(1 − a_j) + 2r_j·q_j(1 − q_j)),
        // ∂L/∂t = −Σ s_j·a_j(1 − a_j).
        TensorPrimitives.Subtract(row, t, a);
        TensorPrimitives.Sigmoid(a, a);
        TensorPrimitives.Multiply(row, row, q);
        TensorPrimitives.Sigmoid(q, q);
        float loss = TensorPrimitives.Dot(s, a) + TensorPrimitives.Dot(s, q);
        // grad = a + a(1 − a) − L = a(2 − a) − L, then + q + 2r·q(1 − q).
        TensorPrimitives.Subtract(2f, a, grad);
        TensorPrimitives.Multiply(grad, a, grad);
        TensorPrimitives.Subtract(grad, loss, grad);
        TensorPrimitives.AddMultiply(a, -1f, a, a);        // −a(1 − a)
        float dt = TensorPrimitives.Dot(s, a);
        TensorPrimitives.AddMultiply(q, -1f, q, a);        // −q(1 − q)
        TensorPrimitives.Multiply(a, row, a);
        TensorPrimitives.MultiplyAdd(a, -2f, q, a);        // q + 2r·q(1 − q)
        TensorPrimitives.Add(grad, a, grad);
        TensorPrimitives.Multiply(grad, s, grad);
        grad[target] = dt;
        return loss;
    }
}
