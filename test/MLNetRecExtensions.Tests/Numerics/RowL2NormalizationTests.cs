using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class RowL2NormalizationTests
{
    [TestMethod]
    public void RowsBecomeUnitLengthAndZeroRowsStayZero()
    {
        float[] x = [3, 4, 0, 0];
        var y = new float[4];
        var divisors = new float[2];
        RowL2Normalization.Forward(x, 2, 2, y, divisors);
        // ‖(3, 4)‖ = 5 → (0.6, 0.8); the zero row is divided by epsilon and stays zero.
        CollectionAssert.AreEqual(new[] { 0.6f, 0.8f, 0f, 0f }, y);
        Assert.AreEqual(5f, divisors[0]);
    }

    [TestMethod]
    public void BackwardMatchesFiniteDifferences()
    {
        const int rows = 3, cols = 5;
        var x = GradientCheck.Random(9, rows * cols, scale: 2f, minMagnitude: 0.1f);
        var w = GradientCheck.Random(10, rows * cols);
        var y = new float[rows * cols];
        var divisors = new float[rows];
        RowL2Normalization.Forward(x, rows, cols, y, divisors);
        var dx = new float[rows * cols];
        RowL2Normalization.Backward(y, divisors, w, rows, cols, dx);
        GradientCheck.AssertMatches("l2-normalize", x, dx, () =>
        {
            var output = new float[rows * cols];
            RowL2Normalization.Forward(x, rows, cols, output, new float[rows]);
            return GradientCheck.Project(output, w);
        });
    }
}
