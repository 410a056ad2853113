using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class OptimizerTests
{
    [TestMethod]
    public void SgdStepsMatchHandValues()
    {
        float[] w = [1f, -2f];
        new SgdOptimizer(2, 0.1f).Step(w, [0.5f, 1f]);
        // w − 0.1·g = [0.95, −2.1]
        Assert.AreEqual(0.95f, w[0], 1e-7f);
        Assert.AreEqual(-2.1f, w[1], 1e-6f);

        // Momentum 0.9, g = 0.5 twice: v1 = 0.5 → w = 1 − 0.05; v2 = 0.9·0.5 + 0.5 = 0.95 → w = 0.95 − 0.095 = 0.855.
        float[] m = [1f];
        var sgd = new SgdOptimizer(1, 0.1f, momentum: 0.9f);
        sgd.Step(m, [0.5f]);
        sgd.Step(m, [0.5f]);
        Assert.AreEqual(0.855f, m[0], 1e-6f);
    }

    [TestMethod]
    public void AdaGradFirstStepMatchesHandValue()
    {
        // G = 0.1 + 1² = 1.1; w = 0 − 0.5·1/√1.1 = −0.476731.
        float[] w = [0f];
        new AdaGradOptimizer(1, 0.5f).Step(w, [1f]);
        Assert.AreEqual(-0.476731f, w[0], 1e-6f);
    }

    [TestMethod]
    public void AdamFirstStepIsLearningRateTimesSignOfGradient()
    {
        // After bias correction m̂ = g and v̂ = g², so the first step is −lr·g/(|g| + ε) ≈ −lr·sign(g) whatever |g|.
        float[] w = [1f, 1f, 1f];
        new AdamOptimizer(3, learningRate: 0.01f).Step(w, [0.3f, -5f, 1e-3f]);
        Assert.AreEqual(0.99f, w[0], 1e-6f);
        Assert.AreEqual(1.01f, w[1], 1e-6f);
        Assert.AreEqual(0.99f, w[2], 1e-6f);
    }

    [TestMethod]
    public void FtrlMatchesTheClosedFormOnOneFeature()
    {
        const float alpha = 0.5f, beta = 1f, l1 = 0.2f, l2 = 0.1f;
        var ftrl = new FtrlOptimizer(1, alpha, beta, l1, l2);
        float[] w = [0f];
        ftrl.Step(w, [1f]);
        // n = 1, σ = (√1 − 0)/0.5 = 2, z = 1 − 2·0 = 1 > λ1: w = −(1 − 0.2)/((1 + 1)/0.5 + 0.1) = −0.8/4.1 = −0.195122.
        Assert.AreEqual(-0.195122f, w[0], 1e-6f);

        // Further steps against the closed form, tracking z and n in double.
        double z = 1, n = 1, weight = w[0];
        foreach (float g in new[] { -0.1f, 0.4f, -2f, 0.05f })
        {
            ftrl.Step(w, [g]);
            double sigma = (Math.Sqrt(n + g * g) - Math.Sqrt(n)) / alpha;
            z += g - sigma * weight;
            n += g * g;
            weight = Math.Abs(z) <= l1 ? 0 : -(z - Math.Sign(z) * l1) / ((beta + Math.Sqrt(n)) / alpha + l2);
            Assert.AreEqual(weight, w[0], 1e-5, $"after gradient {g}");
            Assert.AreEqual(w[0], ftrl.Weight(0));
        }
    }

    [TestMethod]
    public void FtrlL1KeepsSmallSignalsExactlyZero()
    {
        // z = 1 after one unit gradient; with λ1 = 2 ≥ |z| the implied weight is exactly 0.
        var ftrl = new FtrlOptimizer(2, alpha: 0.5f, l1: 2f);
        float[] w = [0f, 0f];
        ftrl.Step(w, [1f, 3f]);
        Assert.AreEqual(0f, w[0]);
        // z = 3 > 2: w = −(3 − 2)/((1 + 3)/0.5) = −0.125.
        Assert.AreEqual(-0.125f, w[1], 1e-7f);
        var implied = new float[2];
        ftrl.GetWeights(implied);
        CollectionAssert.AreEqual(w, implied);
    }

    [TestMethod]
    public void AdamAndAdaGradMinimiseAQuadratic()
    {
        // f(w) = Σ c_i (w_i − t_i)², gradient 2·c_i·(w_i − t_i), ill-conditioned (c from 0.1 to 10).
        float[] c = [0.1f, 1f, 10f];
        float[] t = [3f, -1f, 0.5f];
        foreach (var optimizer in new Optimizer[] { new AdamOptimizer(3, 0.05f), new AdaGradOptimizer(3, 0.5f) })
        {
            float[] w = [0f, 0f, 0f];
            var g = new float[3];
            for (int step = 0; step < 1000; step++)
            {
                for (int i = 0; i < 3; i++) g[i] = 2 * c[i] * (w[i] - t[i]);
                optimizer.Step(w, g);
            }
            for (int i = 0; i < 3; i++) Assert.AreEqual(t[i], w[i], 0.02f, $"{optimizer.GetType().Name} coordinate {i}");
        }
    }

    [TestMethod]
    public void LazyAdamTouchesOnlyTheGivenRows()
    {
        // Table [3, 2]. First sparse step on rows {0, 2} equals a dense first step with row 1's gradient zero.
        float[] sparseTable = [1, 1, 1, 1, 1, 1];
        float[] denseTable = [1, 1, 1, 1, 1, 1];
        var lazy = new AdamOptimizer(6, 0.1f);
        var dense = new AdamOptimizer(6, 0.1f);
        lazy.StepRows(sparseTable, 2, [0, 2], [0.5f, -0.5f, 2f, 1f]);
        dense.Step(denseTable, [0.5f, -0.5f, 0f, 0f, 2f, 1f]);
        CollectionAssert.AreEqual(denseTable, sparseTable);

        // A second step touching only row 1 leaves rows 0 and 2 where they are (a dense Adam would keep moving them).
        var before = (float[])sparseTable.Clone();
        lazy.StepRows(sparseTable, 2, [1], [1f, 1f]);
        CollectionAssert.AreEqual(before[..2], sparseTable[..2]);
        CollectionAssert.AreEqual(before[4..], sparseTable[4..]);
        // Row 1's first update at t = 2: m̂ = 0.1·1/(1 − 0.9²) = 0.526316, v̂ = 0.001/(1 − 0.999²) = 0.500250,
        // step 0.1·0.526316/0.707284 = 0.074414.
        Assert.AreEqual(1f - 0.074414f, sparseTable[2], 1e-5f);
        Assert.AreEqual(2, lazy.StepCount);
    }

    [TestMethod]
    public void SparseStepsOfEveryOptimizerMatchDenseStepsOnTouchedRows()
    {
        Func<Optimizer>[] makers = [() => new SgdOptimizer(6, 0.1f, 0.5f), () => new AdaGradOptimizer(6, 0.1f), () => new FtrlOptimizer(6, 0.1f, 1f, 0.01f, 0.1f)];
        foreach (var make in makers)
        {
            float[] sparse = new float[6], dense = new float[6];
            var (a, b) = (make(), make());
            var embedding = new Embedding(3, 2, 0.1f, seed: 1);
            var gradient = embedding.Backward([2, 0, 2], [0.5f, -1f, 0.25f, 0.75f, 1f, 1f]);
            a.StepSparse(sparse, gradient);
            b.Step(dense, [0.25f, 0.75f, 0f, 0f, 1.5f, 0f]);
            for (int i = 0; i < 6; i++) Assert.AreEqual(dense[i], sparse[i], 1e-7f, $"{a.GetType().Name} coordinate {i}");
        }
    }

    [TestMethod]
    public void TableRowStepsEqualPackedRowSteps()
    {
        // Table [3, 2]; rows {2, 0} with gradients read in place from a [3, 2] buffer (row 1's entries must be ignored)
        // give bit-identical weights and state to StepRows with the same rows packed, over two steps (Adam's counter too).
        Func<Optimizer>[] makers = [() => new AdamOptimizer(6, 0.1f), () => new AdaGradMomentumOptimizer(6, 0.2f, 0.2f), () => new SgdOptimizer(6, 0.1f, 0.5f)];
        foreach (var make in makers)
        {
            float[] packedTable = [1, 2, 3, 4, 5, 6], inPlaceTable = [1, 2, 3, 4, 5, 6];
            var (packed, inPlace) = (make(), make());
            for (int step = 0; step < 2; step++)
            {
                packed.StepRows(packedTable, 2, [2, 0], [0.5f, -1f, 0.25f, 0.75f]);
                inPlace.StepTableRows(inPlaceTable, 2, [2, 0], [0.25f, 0.75f, 99f, -99f, 0.5f, -1f]);
            }
            CollectionAssert.AreEqual(packedTable, inPlaceTable, packed.GetType().Name);
            CollectionAssert.AreEqual(new float[] { 3, 4 }, inPlaceTable[2..4], "an untouched row stays put");
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SgdOptimizer(6, 0.1f).StepTableRows(new float[6], 2, [3], new float[6]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SgdOptimizer(6, 0.1f).StepTableRows(new float[6], 2, [0], new float[4]));
    }

    [TestMethod]
    public void MismatchedLengthsAndBadHyperparametersAreRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdamOptimizer(3).Step(new float[2], new float[2]));
        StringAssert.Contains(ex.Message, "created for 3 parameters");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdamOptimizer(4).StepRows(new float[4], 2, [2], new float[2]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SgdOptimizer(1, 0f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdamOptimizer(1, beta1: 1f));
    }
}
