using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class LossTests
{
    [TestMethod]
    public void SoftmaxCrossEntropyMatchesHandValues()
    {
        // Offsets [0, −2] are subtracted from every row. Row 0: [0, 0] → [0, 2], target 0:
        // loss log(1 + e²) = 2.126928, p = [0.119203, 0.880797], dLogits = (p − [1, 0]) / 2 = [−0.440399, 0.440399].
        // Row 1: [2, 0] → [2, 2], target 1: loss log 2 = 0.693147, dLogits = ([0.5, 0.5] − [0, 1]) / 2 = [0.25, −0.25].
        // Mean loss (2.126928 + 0.693147) / 2 = 1.410038.
        float[] logits = [0, 0, 2, 0];
        var d = new float[4];
        float loss = Losses.SoftmaxCrossEntropy(logits, 2, 2, [0, 1], d, [0f, -2f]);
        Assert.AreEqual(1.410038f, loss, 1e-5f);
        float[] expected = [-0.440399f, 0.440399f, 0.25f, -0.25f];
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], d[i], 1e-6f);
    }

    [TestMethod]
    public void SoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        const int rows = 4, cols = 7;
        var logits = GradientCheck.Random(6, rows * cols, scale: 3f);
        int[] targets = [0, 3, 6, 2];
        var offsets = GradientCheck.Random(7, cols, scale: 0.5f);
        var excluded = new bool[rows * cols];
        excluded[1] = excluded[cols + 5] = excluded[3 * cols] = true; // accidental hits, never a row's own target
        var d = new float[rows * cols];
        Losses.SoftmaxCrossEntropy(logits, rows, cols, targets, d, offsets, excluded);
        GradientCheck.AssertMatches("softmax cross-entropy", logits, d,
            () => Losses.SoftmaxCrossEntropy(logits, rows, cols, targets, new float[rows * cols], offsets, excluded));
    }

    [TestMethod]
    public void ExcludedOrOutOfRangeTargetIsRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => Losses.SoftmaxCrossEntropy(new float[4], 2, 2, [0, 1], new float[4], default, [false, false, false, true]));
        StringAssert.Contains(ex.Message, "targets[1]");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(new float[4], 2, 2, [0, 2], new float[4]));
    }

    [TestMethod]
    public void LogisticLossMatchesHandValuesAndIsStable()
    {
        // z = 0, y = 1: log 2, d = (0.5 − 1)/n. z = 100, y = 0: ≈ 100 (naive log(1 + e¹⁰⁰) overflows), d = w·(1 − 0)/n.
        // z = −100, y = 0: ≈ e⁻¹⁰⁰ ≈ 0. Weights [1, 2, 1], n = 3: L = (0.693147 + 2·100 + 0)/3 = 66.897716.
        float[] logits = [0f, 100f, -100f];
        float[] labels = [1f, 0f, 0f];
        var d = new float[3];
        float loss = Losses.Logistic(logits, labels, d, [1f, 2f, 1f]);
        Assert.AreEqual(66.897716f, loss, 1e-3f);
        Assert.AreEqual(-0.5f / 3, d[0], 1e-7f);
        Assert.AreEqual(2f / 3, d[1], 1e-6f);
        Assert.AreEqual(0f, d[2], 1e-7f);
    }

    [TestMethod]
    public void LogisticLossGradientWithWeightsMatchesFiniteDifferences()
    {
        var logits = GradientCheck.Random(8, 9, scale: 4f);
        float[] labels = [1, 0, 1, 1, 0, 0, 0.3f, 1, 0];
        float[] weights = [1, 2, 0.5f, 0, 3, 1, 1, 0.25f, 1.5f];
        var d = new float[9];
        Losses.Logistic(logits, labels, d, weights);
        GradientCheck.AssertMatches("logistic", logits, d, () => Losses.Logistic(logits, labels, new float[9], weights));
    }
}
