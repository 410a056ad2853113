using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class GemmTests
{
    private static readonly (int M, int N, int K)[] OddShapes =
    [
        (1, 1, 1), (1, 7, 33), (7, 1, 65), (7, 33, 1), (33, 65, 7), (65, 33, 257), (13, 257, 31), (150, 70, 300), (257, 40, 9),
    ];

    [TestMethod]
    public void AutomaticPathMatchesNaiveOnOddShapesAllTransposesAndScalars()
    {
        foreach (var (m, n, k) in OddShapes)
            foreach (var (ta, tb) in TransposeCombos())
            {
                Check(m, n, k, ta, tb, alpha: 1f, beta: 0f, seed: m * 31 + n);
                Check(m, n, k, ta, tb, alpha: -0.75f, beta: 0.5f, seed: k);
            }
    }

    [TestMethod]
    public void EveryMicroKernelMatchesNaiveOnTheBlockedPath()
    {
        // The Vector512 kernel runs in software emulation on CPUs without AVX-512: slow but exact, so keep shapes small.
        (int M, int N, int K)[] shapes = [(1, 1, 1), (7, 33, 65), (13, 5, 257), (29, 70, 300), (150, 35, 17)];
        foreach (var kind in Enum.GetValues<GemmKernelKind>())
        {
            Gemm.ForcedKernel = kind;
            try
            {
                foreach (var (m, n, k) in shapes)
                    foreach (var (ta, tb) in TransposeCombos())
                        Check(m, n, k, ta, tb, alpha: 2f, beta: 1f, seed: m + n + k);
            }
            finally
            {
                Gemm.ForcedKernel = null;
            }
        }
    }

    [TestMethod]
    public void LargeProductCrossesEveryCacheBlockBoundary()
    {
        // Past NC columns, past MC rows, past KC depth (second k-slice accumulates with beta = 1).
        Check(5, GemmBlocked.NC + 45, GemmBlocked.KC + 7, false, false, alpha: 1f, beta: 0.25f, seed: 5);
        Check(GemmBlocked.MC + 13, 70, GemmBlocked.KC + 7, true, true, alpha: 1f, beta: 0f, seed: 6);
        Check(GemmBlocked.MC + 13, 70, GemmBlocked.KC + 7, false, true, alpha: 1f, beta: -1f, seed: 7);
    }

    [TestMethod]
    public void LeadingDimensionsLargerThanTheStoredRowsAreHonoured()
    {
        // Operate on the top-left corners of bigger buffers; padding columns of C must stay untouched.
        const int m = 37, n = 41, k = 53, pad = 5;
        var rng = new Random(3);
        foreach (var (ta, tb) in TransposeCombos())
        {
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            var a = RandomValues(rng, (ta ? k : m) * lda);
            var b = RandomValues(rng, (tb ? n : k) * ldb);
            var c = RandomValues(rng, m * ldc);
            var expected = Naive(ta, tb, m, n, k, 1.25f, a, lda, b, ldb, 0.5f, c, ldc);
            var before = (float[])c.Clone();
            Gemm.Multiply(ta, tb, m, n, k, 1.25f, a, lda, b, ldb, 0.5f, c, ldc);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < ldc; j++)
                {
                    if (j >= n) Assert.AreEqual(before[i * ldc + j], c[i * ldc + j], $"padding column {j} of row {i} was written");
                    else Assert.AreEqual(expected.Value[i * ldc + j], c[i * ldc + j], expected.Tolerance[i * ldc + j]);
                }
        }
    }

    [TestMethod]
    public void ResultDoesNotDependOnTheThreadCount()
    {
        // Both shapes are large enough for two threads: the first is split by columns (m ≤ n), the second by rows.
        foreach (var (m, n, k) in new[] { (211, 263, 97), (523, 37, 300) })
        {
            var rng = new Random(11);
            var a = RandomValues(rng, m * k);
            var b = RandomValues(rng, k * n);
            var one = new float[m * n];
            var two = new float[m * n];
            Gemm.Multiply(false, true, m, n, k, 1f, a, b, 0f, one, maxThreads: 1);
            Gemm.Multiply(false, true, m, n, k, 1f, a, b, 0f, two, maxThreads: 2);
            CollectionAssert.AreEqual(one, two, $"shape {m}×{n}×{k}");
        }
    }

    [TestMethod]
    public void ZeroBetaIgnoresNaNInCAndZeroDepthScalesC()
    {
        var a = new float[] { 1, 2, 3, 4 }; // [2, 2]
        var b = new float[] { 5, 6, 7, 8 }; // [2, 2]
        var c = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        Gemm.Multiply(false, false, 2, 2, 2, 1f, a, b, 0f, c);
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]
        CollectionAssert.AreEqual(new float[] { 19, 22, 43, 50 }, c);

        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], [], 0.5f, c);
        CollectionAssert.AreEqual(new float[] { 9.5f, 11, 21.5f, 25 }, c);
    }

    [TestMethod]
    public void TooShortSpanOrLeadingDimensionIsRejectedByName()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[7], new float[12], 0f, new float[6]));
        Assert.AreEqual("a", ex.ParamName);
        StringAssert.Contains(ex.Message, "needs 8");
        var ld = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => Gemm.Multiply(false, true, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 3));
        Assert.AreEqual("ldb", ld.ParamName);
    }

    private static IEnumerable<(bool, bool)> TransposeCombos() => [(false, false), (true, false), (false, true), (true, true)];

    private static void Check(int m, int n, int k, bool ta, bool tb, float alpha, float beta, int seed)
    {
        var rng = new Random(seed);
        var a = RandomValues(rng, m * k);
        var b = RandomValues(rng, k * n);
        var c = RandomValues(rng, m * n);
        if (beta == 0f) Array.Fill(c, float.NaN); // must not be read
        int lda = ta ? m : k, ldb = tb ? k : n;
        var expected = Naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
        Gemm.Multiply(ta, tb, m, n, k, alpha, a, b, beta, c);
        for (int i = 0; i < m * n; i++)
            Assert.AreEqual(expected.Value[i], c[i], expected.Tolerance[i],
                $"shape {m}×{n}×{k}, transposeA {ta}, transposeB {tb}, kernel {Gemm.ForcedKernel?.ToString() ?? "auto"}, element {i}");
    }

    /// <summary>Double-precision triple loop; tolerance 1e-5 relative to Σ|alpha·a·b| + |beta·c| per element.</summary>
    private static (float[] Value, float[] Tolerance) Naive(bool ta, bool tb, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var value = (float[])c.Clone();
        var tolerance = new float[c.Length];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double product = (double)a[ta ? p * lda + i : i * lda + p] * b[tb ? j * ldb + p : p * ldb + j];
                    sum += product;
                    magnitude += Math.Abs(product);
                }
                double old = beta == 0f ? 0 : beta * (double)c[i * ldc + j];
                value[i * ldc + j] = (float)(alpha * sum + old);
                tolerance[i * ldc + j] = (float)(1e-5 * (Math.Abs(alpha) * magnitude + Math.Abs(old)) + 1e-30);
            }
        return (value, tolerance);
    }

    private static float[] RandomValues(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
