using System.Numerics.Tensors;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// ALS half-steps for biased explicit MF (ALS-WR): with the other side fixed, row <c>u</c> solves for
/// <c>z = [p_u, b_u]</c> in <c>(Σ_i w_i w_iᵀ + λ·n_u·I) z = Σ_i (r_ui − μ − b_i) w_i</c> with <c>w_i = [q_i, 1]</c>
/// (or <c>w_i = q_i</c> without biases), an exact Cholesky solve of size rank + 1. Rows are independent, so
/// a sweep is deterministic for any thread count.
/// </summary>
internal static class ExplicitAls
{
    /// <summary>
    /// Re-solves the rows of <paramref name="x"/> / <paramref name="xBias"/> from <paramref name="matrix"/> (rows of
    /// this side, values = ratings) with <paramref name="y"/> / <paramref name="yBias"/> fixed.
    /// </summary>
    public static void Sweep(UserItemMatrix matrix, float[] x, float[] xBias, float[] y, float[] yBias, int rank,
        float mean, bool useBiases, float lambda, bool nonNegative, int threads)
    {
        Parallel.For(0, matrix.UserCount, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new ExplicitRowWorkspace(rank, useBiases),
            (u, _, ws) =>
            {
                var xu = x.AsSpan(u * rank, rank);
                float bias = useBiases ? xBias[u] : 0;
                SolveRow(matrix.ItemsOf(u), matrix.ValuesOf(u), y, yBias, rank, mean, useBiases, lambda, nonNegative, xu, ref bias, ws);
                if (useBiases) xBias[u] = bias;
                return ws;
            },
            _ => { });
    }

    /// <summary>
    /// Solves one row: <paramref name="x"/> (length rank) and <paramref name="bias"/> from the row's columns
    /// <paramref name="items"/> and their ratings (one per distinct column). With no columns the row becomes zero
    /// (and bias 0); a singular system (λ = 0) keeps the current values.
    /// </summary>
    public static void SolveRow(ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, float[] y, float[] yBias, int rank,
        float mean, bool useBiases, float lambda, bool nonNegative, Span<float> x, ref float bias, ExplicitRowWorkspace ws)
    {
        int n = useBiases ? rank + 1 : rank;
        var a = ws.A;
        var af = ws.AFloat;
        var w = ws.W;
        var b = ws.B;
        Array.Clear(af);
        Array.Clear(b);
        if (useBiases) w[rank] = 1;
        for (int k = 0; k < items.Length; k++)
        {
            int i = items[k];
            var yi = new ReadOnlySpan<float>(y, i * rank, rank);
            yi.CopyTo(w);
            DenseSolver.AddOuter(af, w, 1f, n);
            double target = ratings[k] - mean - (useBiases ? yBias[i] : 0);
            for (int r = 0; r < n; r++) b[r] += target * w[r];
        }
        for (int k = 0; k < a.Length; k++) a[k] = af[k];
        double ridge = lambda * Math.Max(1, items.Length);
        for (int r = 0; r < n; r++) a[r * n + r] += ridge;
        if (items.Length == 0)
        {
            x.Clear();
            bias = 0;
        }
        else if (DenseSolver.CholeskySolve(a, b, n))
        {
            for (int r = 0; r < rank; r++) x[r] = (float)b[r];
            if (useBiases) bias = (float)b[rank];
            if (nonNegative) TensorPrimitives.Max(x, 0f, x);
        }
    }
}

/// <summary>Scratch buffers of one explicit ALS row solve (size rank, plus one with biases).</summary>
internal sealed class ExplicitRowWorkspace
{
    /// <summary>Creates buffers for factors of length <paramref name="rank"/>.</summary>
    public ExplicitRowWorkspace(int rank, bool useBiases)
    {
        int n = useBiases ? rank + 1 : rank;
        A = new double[n * n];
        AFloat = new float[n * n];
        W = new float[n];
        B = new double[n];
    }

    /// <summary>Cholesky matrix <c>[n, n]</c>.</summary>
    public double[] A { get; }
    /// <summary>Normal-equation matrix accumulated in single precision.</summary>
    public float[] AFloat { get; }
    /// <summary>The extended column vector <c>[q_i, 1]</c>.</summary>
    public float[] W { get; }
    /// <summary>Right-hand side / solution.</summary>
    public double[] B { get; }
}
