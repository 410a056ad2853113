using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class RowSoftmaxTests
{
    [TestMethod]
    public void LogSumExpIsStableAndHonoursOffsetsAndExclusions()
    {
        // Row 0: log(e¹ + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²) = 3.407606.
        // Row 1: [1000, 1000, −1000] → 1000 + log 2 = 1000.693147 (no overflow).
        float[] logits = [1, 2, 3, 1000, 1000, -1000];
        var lse = new float[2];
        RowSoftmax.LogSumExp(logits, 2, 3, lse);
        Assert.AreEqual(3.407606f, lse[0], 1e-5f);
        Assert.AreEqual(1000.693147f, lse[1], 1e-3f);

        // Offsets [0, 2, 0] (log-Q correction) turn row 0 into [1, 0, 3]; excluding column 2 leaves log(e¹ + e⁰) = 1.313262.
        bool[] excluded = [false, false, true, true, true, true];
        RowSoftmax.LogSumExp(logits, 2, 3, lse, [0f, 2f, 0f], excluded);
        Assert.AreEqual(1.313262f, lse[0], 1e-5f);
        Assert.IsTrue(float.IsNegativeInfinity(lse[1]), "an all-excluded row has log-sum-exp −∞");

        var p = new float[6];
        RowSoftmax.Forward(logits, 2, 3, p, [0f, 2f, 0f], excluded);
        // e¹ / (e¹ + e⁰) = 0.731059, e⁰ / (e¹ + e⁰) = 0.268941, excluded → 0; all-excluded row → zeros.
        Assert.AreEqual(0.731059f, p[0], 1e-5f);
        Assert.AreEqual(0.268941f, p[1], 1e-5f);
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0 }, p[2..]);
    }

    [TestMethod]
    public void LogSumExpBackwardMatchesFiniteDifferences()
    {
        const int rows = 3, cols = 5;
        var logits = GradientCheck.Random(3, rows * cols, scale: 2f);
        float[] offsets = [0.1f, -0.5f, 0.3f, 0f, 1f];
        var excluded = new bool[rows * cols];
        excluded[2] = excluded[cols + 4] = true;
        float[] dResult = [0.7f, -1.2f, 0.4f];
        var lse = new float[rows];
        RowSoftmax.LogSumExp(logits, rows, cols, lse, offsets, excluded);
        var dLogits = new float[rows * cols];
        RowSoftmax.LogSumExpBackward(logits, rows, cols, lse, dResult, dLogits, offsets, excluded);
        Assert.AreEqual(0f, dLogits[2], "excluded entries get no gradient");
        GradientCheck.AssertMatches("logsumexp", logits, dLogits, () =>
        {
            var result = new float[rows];
            RowSoftmax.LogSumExp(logits, rows, cols, result, offsets, excluded);
            return GradientCheck.Project(result, dResult);
        });
    }

    [TestMethod]
    public void SoftmaxBackwardMatchesFiniteDifferences()
    {
        const int rows = 2, cols = 6;
        var logits = GradientCheck.Random(4, rows * cols, scale: 2f);
        var w = GradientCheck.Random(5, rows * cols);
        var p = new float[rows * cols];
        RowSoftmax.Forward(logits, rows, cols, p);
        var dLogits = new float[rows * cols];
        RowSoftmax.Backward(p, w, rows, cols, dLogits);
        GradientCheck.AssertMatches("softmax", logits, dLogits, () =>
        {
            var probabilities = new float[rows * cols];
            RowSoftmax.Forward(logits, rows, cols, probabilities);
            return GradientCheck.Project(probabilities, w);
        });
    }
}
