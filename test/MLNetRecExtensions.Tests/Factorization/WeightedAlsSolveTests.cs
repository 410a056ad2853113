using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class WeightedAlsSolveTests
{
    private const int Rank = 4;
    private const int Items = 7;

    // One user with observed items {1, 3, 4, 6} and confidences {2, 5, 1.5, 3}; unobserved weight w0 = 0.7,
    // unobserved target t0 = 0.2, gravity g = 0.3, λ = 0.5, item factors Y random. The normal equations are
    // (λI + (w0 + g)·YᵀY + Σ_obs (c − w0) y yᵀ) x = w0·t0·Σ_all y + Σ_obs (c − w0·t0) y.
    private static readonly int[] Observed = [1, 3, 4, 6];
    private static readonly float[] Confidence = [2f, 5f, 1.5f, 3f];
    private static readonly WeightedAlsSettings Settings = new()
    {
        Lambda = 0.5f, UnobservedWeight = 0.7f, UnobservedTarget = 0.2f, Gravity = 0.3f, CgSteps = Rank, Threads = 1,
    };

    private static float[] RandomFactors(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The reference: builds the dense normal equations entry by entry and solves them by Gaussian elimination.</summary>
    private static double[] DirectSolve(float[] y)
    {
        var a = new double[Rank, Rank];
        var b = new double[Rank];
        var s = Settings;
        for (int i = 0; i < Items; i++)
        {
            int k = Array.IndexOf(Observed, i);
            // Observed: weight c, target 1. Unobserved: weight w0, target t0. Gravity adds g·y yᵀ for every item.
            double weight = (k >= 0 ? Confidence[k] : s.UnobservedWeight) + s.Gravity;
            double rhs = k >= 0 ? Confidence[k] : s.UnobservedWeight * s.UnobservedTarget;
            for (int r = 0; r < Rank; r++)
            {
                b[r] += rhs * y[i * Rank + r];
                for (int c = 0; c < Rank; c++) a[r, c] += weight * y[i * Rank + r] * y[i * Rank + c];
            }
        }
        for (int r = 0; r < Rank; r++) a[r, r] += s.Lambda;
        for (int col = 0; col < Rank; col++)
            for (int row = col + 1; row < Rank; row++)
            {
                double f = a[row, col] / a[col, col];
                for (int c = col; c < Rank; c++) a[row, c] -= f * a[col, c];
                b[row] -= f * b[col];
            }
        var x = new double[Rank];
        for (int r = Rank - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int c = r + 1; c < Rank; c++) sum -= a[r, c] * x[c];
            x[r] = sum / a[r, r];
        }
        return x;
    }

    [TestMethod]
    public void CholeskyRowSolveEqualsDirectDenseSolve()
    {
        var y = RandomFactors(3, Items * Rank);
        var terms = GramianTerms.Compute(y, Items, Rank, Settings);
        var x = new float[Rank];
        WeightedAls.SolveRowCholesky(Observed, Confidence, y, Rank, terms, Settings, x, new RowWorkspace(Rank));
        var expected = DirectSolve(y);
        for (int r = 0; r < Rank; r++) Assert.AreEqual(expected[r], x[r], 1e-5, $"component {r}");
    }

    [TestMethod]
    public void ConjugateGradientWithRankStepsEqualsDirectDenseSolveFromAnyStart()
    {
        var y = RandomFactors(3, Items * Rank);
        var terms = GramianTerms.Compute(y, Items, Rank, Settings);
        var expected = DirectSolve(y);
        // In exact arithmetic CG converges in at most `rank` steps from any warm start.
        foreach (var start in new[] { new float[Rank], RandomFactors(9, Rank) })
        {
            var x = (float[])start.Clone();
            WeightedAls.SolveRowConjugateGradient(Observed, Confidence, y, Rank, terms, Settings, x, new RowWorkspace(Rank));
            for (int r = 0; r < Rank; r++) Assert.AreEqual(expected[r], x[r], 1e-3, $"component {r}");
        }
    }

    [TestMethod]
    public void ObjectiveEqualsDenseSumOverAllPairs()
    {
        var y = RandomFactors(3, Items * Rank);
        var x = RandomFactors(5, 2 * Rank);
        // Two users: user 0 observes Observed with Confidence, user 1 observes item 2 with confidence 4.
        var data = new InteractionData(2, Items, [0, 0, 0, 0, 1], [.. Observed, 2], [.. Confidence, 4f]);
        var m = UserItemMatrix.FromInteractions(data);
        var s = Settings;
        double expected = 0;
        for (int u = 0; u < 2; u++)
        {
            for (int i = 0; i < Items; i++)
            {
                double pred = 0;
                for (int r = 0; r < Rank; r++) pred += x[u * Rank + r] * y[i * Rank + r];
                int p = m.ItemsOf(u).IndexOf(i);
                expected += p >= 0 ? m.ValuesOf(u)[p] * (1 - pred) * (1 - pred) : s.UnobservedWeight * (s.UnobservedTarget - pred) * (s.UnobservedTarget - pred);
                expected += s.Gravity * pred * pred;
            }
            for (int r = 0; r < Rank; r++) expected += s.Lambda * x[u * Rank + r] * x[u * Rank + r];
        }
        foreach (var v in y) expected += s.Lambda * v * v;
        var terms = GramianTerms.Compute(y, Items, Rank, s);
        Assert.AreEqual(expected, WeightedAls.Objective(m, m.Values, x, y, Rank, terms, s), 1e-4 * Math.Abs(expected));
    }
}
