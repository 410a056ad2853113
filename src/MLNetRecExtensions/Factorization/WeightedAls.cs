using System.Numerics.Tensors;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Half-steps of weighted ALS (Hu–Koren–Volinsky iALS / WALS). For row <c>x</c> with observed columns <c>i</c>
/// (confidence <c>c_i</c>, preference 1) the normal equations are
/// <c>(M + Σ_i (c_i − w0) y_i y_iᵀ) x = b0 + Σ_i (c_i − w0·t0) y_i</c> with <see cref="GramianTerms.M"/> and
/// <see cref="GramianTerms.B0"/> shared by all rows, so a sweep costs <c>O(nnz·rank + rows·rank²)</c> with CG
/// (linear in the number of interactions) or <c>O(nnz·rank² + rows·rank³)</c> with Cholesky.
/// </summary>
internal static class WeightedAls
{
    /// <summary>
    /// Re-solves every row of <paramref name="x"/> (<c>[matrix.UserCount, rank]</c>) with <paramref name="y"/>
    /// fixed; row <c>u</c> of <paramref name="matrix"/> lists its observed columns and
    /// <paramref name="confidence"/> (aligned with <c>matrix.Values</c>) their weights. Rows are independent, so the
    /// result does not depend on the thread count.
    /// </summary>
    public static void Sweep(UserItemMatrix matrix, float[] confidence, float[] x, float[] y, int rank,
        GramianTerms terms, WeightedAlsSettings settings)
    {
        Parallel.For(0, matrix.UserCount, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads },
            () => new RowWorkspace(rank),
            (u, _, ws) =>
            {
                int start = matrix.RowStart[u], length = matrix.RowStart[u + 1] - start;
                var cols = new ReadOnlySpan<int>(matrix.ItemIndices, start, length);
                var conf = new ReadOnlySpan<float>(confidence, start, length);
                var row = x.AsSpan(u * rank, rank);
                if (settings.UseCholesky) SolveRowCholesky(cols, conf, y, rank, terms, settings, row, ws);
                else SolveRowConjugateGradient(cols, conf, y, rank, terms, settings, row, ws);
                if (settings.NonNegative) TensorPrimitives.Max(row, 0f, row);
                return ws;
            },
            _ => { });
    }

    /// <summary>Exact solve of one row's normal equations by Cholesky (double precision); writes <paramref name="x"/>.</summary>
    public static void SolveRowCholesky(ReadOnlySpan<int> cols, ReadOnlySpan<float> conf, float[] y, int rank,
        GramianTerms terms, WeightedAlsSettings settings, Span<float> x, RowWorkspace ws)
    {
        float w0 = settings.UnobservedWeight, t0 = settings.UnobservedTarget;
        var af = ws.AFloat;
        var a = ws.A;
        var b = ws.B;
        terms.M.CopyTo(af, 0);
        for (int k = 0; k < rank; k++) b[k] = terms.B0[k];
        for (int n = 0; n < cols.Length; n++)
        {
            var yi = new ReadOnlySpan<float>(y, cols[n] * rank, rank);
            DenseSolver.AddOuter(af, yi, conf[n] - w0, rank);
            double wb = conf[n] - w0 * t0;
            for (int r = 0; r < rank; r++) b[r] += wb * yi[r];
        }
        for (int k = 0; k < rank * rank; k++) a[k] = af[k];
        if (!DenseSolver.CholeskySolve(a, b, rank)) return; // singular (λ = 0 and too little data): keep the row
        for (int k = 0; k < rank; k++) x[k] = (float)b[k];
    }

    /// <summary>
    /// <see cref="RowWorkspace"/>-backed conjugate gradient on one row's normal equations, warm-started from the current
    /// <paramref name="x"/>, for <see cref="WeightedAlsSettings.CgSteps"/> steps (as in the <c>implicit</c> library).
    /// Allocation-free.
    /// </summary>
    public static void SolveRowConjugateGradient(ReadOnlySpan<int> cols, ReadOnlySpan<float> conf, float[] y, int rank,
        GramianTerms terms, WeightedAlsSettings settings, Span<float> x, RowWorkspace ws)
    {
        float w0 = settings.UnobservedWeight, t0 = settings.UnobservedTarget;
        var r = ws.R.AsSpan();
        var p = ws.P.AsSpan();
        var ap = ws.Ap.AsSpan();
        // r = b − A x = b0 − M x + Σ [(c − w0·t0) − (c − w0)(y·x)] y
        MultiplyM(terms, x, ap);
        TensorPrimitives.Subtract(terms.B0, ap, r);
        for (int n = 0; n < cols.Length; n++)
        {
            var yi = new ReadOnlySpan<float>(y, cols[n] * rank, rank);
            float coef = (conf[n] - w0 * t0) - (conf[n] - w0) * TensorPrimitives.Dot(yi, x);
            TensorPrimitives.MultiplyAdd(yi, coef, r, r);
        }
        r.CopyTo(p);
        float rsOld = TensorPrimitives.Dot<float>(r, r);
        for (int step = 0; step < settings.CgSteps && rsOld > 1e-20f; step++)
        {
            MultiplyM(terms, p, ap);
            for (int n = 0; n < cols.Length; n++)
            {
                var yi = new ReadOnlySpan<float>(y, cols[n] * rank, rank);
                TensorPrimitives.MultiplyAdd(yi, (conf[n] - w0) * TensorPrimitives.Dot(yi, p), ap, ap);
            }
            float pAp = TensorPrimitives.Dot<float>(p, ap);
            if (!(pAp > 0)) break;
            float alpha = rsOld / pAp;
            TensorPrimitives.MultiplyAdd(p, alpha, x, x);
            TensorPrimitives.MultiplyAdd(ap, -alpha, r, r);
            float rsNew = TensorPrimitives.Dot<float>(r, r);
            TensorPrimitives.MultiplyAdd(p, rsNew / rsOld, r, p);
            rsOld = rsNew;
        }
    }

    private static void MultiplyM(GramianTerms terms, ReadOnlySpan<float> v, Span<float> result)
    {
        int rank = terms.Rank;
        for (int a = 0; a < rank; a++) result[a] = TensorPrimitives.Dot(new ReadOnlySpan<float>(terms.M, a * rank, rank), v);
    }

    /// <summary>
    /// The full objective (see <see cref="WeightedAlsSettings"/>) for rows <paramref name="x"/> and columns
    /// <paramref name="y"/>, where <paramref name="columnTerms"/> was computed from <paramref name="y"/>. The
    /// unobserved part uses <c>Σ_all (t0 − x·y)² = n·t0² − 2 t0 x·s + xᵀGx</c>, so no dense pass is needed.
    /// </summary>
    public static double Objective(UserItemMatrix matrix, float[] confidence, float[] x, float[] y, int rank,
        GramianTerms columnTerms, WeightedAlsSettings settings)
    {
        double w0 = settings.UnobservedWeight, t0 = settings.UnobservedTarget, g = settings.Gravity;
        int columns = matrix.ItemCount;
        var partial = new double[matrix.UserCount];
        Parallel.For(0, matrix.UserCount, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads },
            () => new float[rank],
            (u, _, gx) =>
            {
                var xu = new ReadOnlySpan<float>(x, u * rank, rank);
                for (int a = 0; a < rank; a++) gx[a] = TensorPrimitives.Dot(new ReadOnlySpan<float>(columnTerms.Gram, a * rank, rank), xu);
                double xGx = TensorPrimitives.Dot(xu, gx);
                double loss = g * xGx + settings.Lambda * (double)TensorPrimitives.Dot(xu, xu);
                if (w0 != 0) loss += w0 * (columns * t0 * t0 - 2 * t0 * TensorPrimitives.Dot(xu, columnTerms.Sum) + xGx);
                for (int p = matrix.RowStart[u]; p < matrix.RowStart[u + 1]; p++)
                {
                    double pred = TensorPrimitives.Dot(xu, new ReadOnlySpan<float>(y, matrix.ItemIndices[p] * rank, rank));
                    loss += confidence[p] * (1 - pred) * (1 - pred) - w0 * (t0 - pred) * (t0 - pred);
                }
                partial[u] = loss;
                return gx;
            },
            _ => { });
        double total = 0;
        foreach (var v in partial) total += v;
        double trace = 0;
        for (int a = 0; a < rank; a++) trace += columnTerms.Gram[a * rank + a];
        return total + settings.Lambda * trace;
    }
}

/// <summary>Per-thread scratch buffers of the row solves (allocated once per worker, not per row).</summary>
internal sealed class RowWorkspace
{
    /// <summary>Creates buffers for factors of length <paramref name="rank"/>.</summary>
    public RowWorkspace(int rank)
    {
        A = new double[rank * rank];
        AFloat = new float[rank * rank];
        B = new double[rank];
        R = new float[rank];
        P = new float[rank];
        Ap = new float[rank];
    }

    /// <summary>Cholesky matrix, <c>[rank, rank]</c>.</summary>
    public double[] A { get; }
    /// <summary>Normal-equation matrix accumulated in single precision, <c>[rank, rank]</c>.</summary>
    public float[] AFloat { get; }
    /// <summary>Cholesky right-hand side / solution.</summary>
    public double[] B { get; }
    /// <summary>CG residual.</summary>
    public float[] R { get; }
    /// <summary>CG search direction.</summary>
    public float[] P { get; }
    /// <summary>CG matrix-vector product.</summary>
    public float[] Ap { get; }
}
