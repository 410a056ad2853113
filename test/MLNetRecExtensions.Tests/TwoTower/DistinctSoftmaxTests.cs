using MLNetRecExtensions.Numerics;
using MLNetRecExtensions.Tests.Numerics;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>
/// <see cref="DistinctSoftmax"/> against the plain B × C computation (every logit, <see cref="Losses.SoftmaxCrossEntropy(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{bool})"/>,
/// then both gradient products) on a batch with repeated users, repeated items, columns that share a vector but not
/// log Q, and targets that are not the diagonal.
/// </summary>
[TestClass]
public sealed class DistinctSoftmaxTests
{
    private const int D = 5;

    [TestMethod]
    public void LossAndGradientsEqualTheFullBatchComputation()
    {
        // Users 0..3 and items 0..4, each a random vector; rows and columns repeat them.
        var users = GradientCheck.Random(1, 4 * D);
        var items = GradientCheck.Random(2, 5 * D);
        int[] rowUser = [0, 1, 0, 2, 3, 1, 0];
        int[] columnItem = [2, 0, 2, 4, 1, 3, 2, 0, 1];
        float[] logQ = [-1f, -2f, -1f, -0.5f, -3f, -1.5f, -2.5f, -2f, -3f]; // columns 0 and 6 share item 2 but not log Q
        int[] targets = [0, 1, 2, 3, 4, 5, 6];
        var u = Gather(users, rowUser);
        var v = Gather(items, columnItem);
        int b = rowUser.Length, c = columnItem.Length;
        const float invT = 1.7f;

        var dU = new float[b * D];
        var dV = new float[c * D];
        float loss = new DistinctSoftmax().Compute(u, b, v, c, D, invT, targets, logQ, dU, dV, threads: 1);

        var logits = new float[b * c];
        Gemm.Multiply(false, true, b, c, D, invT, u, v, 0f, logits, 1);
        var dLogits = new float[b * c];
        float expected = Losses.SoftmaxCrossEntropy(logits, b, c, targets, dLogits, logQ);
        var expectedDU = new float[b * D];
        var expectedDV = new float[c * D];
        Gemm.Multiply(false, false, b, D, c, invT, dLogits, v, 0f, expectedDU, 1);
        Gemm.Multiply(true, false, c, D, b, invT, dLogits, u, 0f, expectedDV, 1);

        Assert.AreEqual(expected, loss, 1e-5f);
        for (int i = 0; i < dU.Length; i++) Assert.AreEqual(expectedDU[i], dU[i], 1e-5f, $"dU[{i}]");
        for (int i = 0; i < dV.Length; i++) Assert.AreEqual(expectedDV[i], dV[i], 1e-5f, $"dV[{i}]");
    }

    [TestMethod]
    public void GroupsAreBitwiseEqualRowsInOrderOfFirstAppearance()
    {
        float[] x = [1f, 2f, 3f, 4f, 1f, 2f, -0f, 4f, 0f, 4f, 3f, 4f];
        var groups = new int[6];
        var first = DistinctSoftmax.Group(x, 6, 2, default, groups);
        CollectionAssert.AreEqual(new[] { 0, 1, 0, 2, 3, 1 }, groups); // −0 and +0 differ in bits
        CollectionAssert.AreEqual(new[] { 0, 1, 3, 4 }, first);
        var withExtra = new int[6];
        DistinctSoftmax.Group(x, 6, 2, [0f, 1f, 5f, 0f, 0f, 2f], withExtra);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, withExtra);
    }

    private static float[] Gather(float[] table, int[] rows)
    {
        var result = new float[rows.Length * D];
        for (int r = 0; r < rows.Length; r++) table.AsSpan(rows[r] * D, D).CopyTo(result.AsSpan(r * D, D));
        return result;
    }
}
