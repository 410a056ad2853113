using MLNetRecExtensions.Features;

namespace MLNetRecExtensions.Tests.Features;

/// <summary>The one continuous-feature preparation of the two-tower and Wide &amp; Deep models, against hand-computed values.</summary>
[TestClass]
public sealed class ContinuousScalerTests
{
    [TestMethod]
    public void MinMaxWithClampAndPowersWritesScaledSquareAndRootInThatLayout()
    {
        // Two slots: [0, 10] and a constant slot 5.
        float[] rows = [0, 5, 10, 5, 5, 5];
        var scaler = ContinuousScaler.Fit(rows, 2, ContinuousNormalization.MinMax, clamp: true, addPowers: true);
        Assert.AreEqual(6, scaler.OutputWidth);
        var output = new float[6];
        scaler.Transform([2.5f, 7f], output);
        // Slot 0: 0.25, 0.0625, 0.5. Slot 1 has no range: only shifted (7 − 5 = 2), then clamped to 1.
        CollectionAssert.AreEqual(new[] { 0.25f, 1f, 0.0625f, 1f, 0.5f, 1f }, output);
        scaler.Transform([-4f, 5f], output);
        Assert.AreEqual(0f, output[0], "values below the training minimum clamp to 0");
    }

    [TestMethod]
    public void WeightedMeanVarianceEqualsDuplicatedRowsAndRootsKeepTheSign()
    {
        var weighted = ContinuousScaler.Fit([1f, 3f], 1, ContinuousNormalization.MeanVariance, [2f, 1f], addPowers: true);
        var duplicated = ContinuousScaler.Fit([1f, 1f, 3f], 1, ContinuousNormalization.MeanVariance);
        Assert.AreEqual(duplicated.Shift[0], weighted.Shift[0], 1e-6f);
        Assert.AreEqual(duplicated.Scale[0], weighted.Scale[0], 1e-6f);
        Assert.AreEqual(5f / 3f, weighted.Shift[0], 1e-6f);
        var output = new float[3];
        weighted.Transform([1f], output);
        float x = (1f - 5f / 3f) * weighted.Scale[0];
        Assert.AreEqual(x, output[0], 1e-6f);
        Assert.AreEqual(x * x, output[1], 1e-6f);
        Assert.AreEqual(-MathF.Sqrt(-x), output[2], 1e-6f, "sign(x)·√|x| for negative standardized values");
    }

    [TestMethod]
    public void BucketsAreOneHotOverTrainingQuantiles()
    {
        var values = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var scaler = ContinuousScaler.Fit(values, 1, ContinuousNormalization.MinMax, clamp: true, buckets: 4);
        CollectionAssert.AreEqual(new[] { 25f, 50f, 75f }, scaler.BucketBoundaries[0]);
        Assert.AreEqual(5, scaler.OutputWidth);
        var output = new float[5];
        scaler.Transform([60f], output);
        CollectionAssert.AreEqual(new[] { 60f / 99f, 0f, 0f, 1f, 0f }, output);
        scaler.Transform([1000f], output);
        CollectionAssert.AreEqual(new[] { 1f, 0f, 0f, 0f, 1f }, output);
    }
}
