using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class LayerTests
{
    [TestMethod]
    public void DenseForwardIsXTimesWPlusB()
    {
        var dense = new Dense(2, 3, seed: 1);
        float[] w = [1, 2, 3, 4, 5, 6]; // [2, 3]
        w.CopyTo(dense.Weights.Values, 0);
        float[] b = [0.5f, -1f, 0f];
        b.CopyTo(dense.Bias.Values, 0);
        var y = new float[3];
        dense.Forward([1f, -1f], 1, y);
        // [1, −1]·[[1 2 3], [4 5 6]] = [−3, −3, −3], + b = [−2.5, −4, −3]
        CollectionAssert.AreEqual(new[] { -2.5f, -4f, -3f }, y);
    }

    [TestMethod]
    public void DenseXavierInitialisationIsBoundedAndSeeded()
    {
        var a = new Dense(30, 20, seed: 7);
        var b = new Dense(30, 20, seed: 7);
        CollectionAssert.AreEqual(a.Weights.Values, b.Weights.Values);
        float limit = MathF.Sqrt(6f / 50f);
        Assert.IsTrue(a.Weights.Values.All(v => MathF.Abs(v) <= limit));
        Assert.IsTrue(a.Weights.Values.Max() > 0.8f * limit, "values should fill the Glorot range");
    }

    [TestMethod]
    public void DenseGradientsMatchFiniteDifferences()
    {
        const int batch = 4, inputs = 5, outputs = 3;
        var dense = new Dense(inputs, outputs, seed: 2);
        GradientCheck.Random(11, outputs).CopyTo(dense.Bias.Values, 0);
        var x = GradientCheck.Random(12, batch * inputs);
        var w = GradientCheck.Random(13, batch * outputs);
        double Loss()
        {
            var y = new float[batch * outputs];
            dense.Forward(x, batch, y);
            return GradientCheck.Project(y, w);
        }
        var dx = new float[batch * inputs];
        dense.Backward(x, w, batch, dx);
        GradientCheck.AssertMatches("dense dx", x, dx, Loss);
        GradientCheck.AssertMatches("dense dW", dense.Weights.Values, dense.Weights.Gradient, Loss);
        GradientCheck.AssertMatches("dense db", dense.Bias.Values, dense.Bias.Gradient, Loss);

        // Backward accumulates: a second call doubles the parameter gradients.
        var once = (float[])dense.Weights.Gradient.Clone();
        dense.Backward(x, w, batch, default);
        for (int i = 0; i < once.Length; i++) Assert.AreEqual(2 * once[i], dense.Weights.Gradient[i], 1e-6f);
        dense.ZeroGradients();
        Assert.IsTrue(dense.Weights.Gradient.All(v => v == 0f) && dense.Bias.Gradient.All(v => v == 0f));
    }

    [TestMethod]
    public void MlpGradientsMatchFiniteDifferences()
    {
        foreach (bool linearOutput in new[] { true, false })
        {
            const int batch = 3;
            var mlp = new Mlp([4, 6, 5, 2], linearOutput, seed: 3);
            foreach (var layer in mlp.Layers) GradientCheck.Random(14, layer.OutputSize, scale: 0.3f).CopyTo(layer.Bias.Values, 0);
            var x = GradientCheck.Random(15, batch * 4);
            var w = GradientCheck.Random(16, batch * 2);
            double Loss() => GradientCheck.Project(mlp.Forward(x, batch), w);
            mlp.Forward(x, batch);
            var dx = new float[batch * 4];
            mlp.ZeroGradients();
            mlp.Backward(w, dx);
            GradientCheck.AssertMatches($"mlp dx (linear output {linearOutput})", x, dx, Loss);
            foreach (var p in mlp.Parameters)
                GradientCheck.AssertMatches($"mlp {p.Name} (linear output {linearOutput})", p.Values, p.Gradient, Loss);
            if (!linearOutput) Assert.IsTrue(mlp.Forward(x, batch).ToArray().All(v => v >= 0f), "a ReLU output layer is non-negative");
        }
    }

    [TestMethod]
    public void MlpBackwardWithoutForwardIsRejected()
        => Assert.ThrowsExactly<InvalidOperationException>(() => new Mlp([2, 2], true, 0).Backward(new float[2], default));

    [TestMethod]
    public void EmbeddingLookupGradientIsSparseAndSumsRepeatedIds()
    {
        var embedding = new Embedding(5, 2, standardDeviation: 0.1f, seed: 4);
        var output = new float[6];
        embedding.Forward([3, 1, 3], output);
        CollectionAssert.AreEqual(embedding.Row(3).ToArray(), output[..2]);
        CollectionAssert.AreEqual(embedding.Row(1).ToArray(), output[2..4]);
        var g = embedding.Backward([3, 1, 3], [1f, 2f, 10f, 20f, 100f, 200f]);
        // Row 1 gets [10, 20]; row 3 gets [1, 2] + [100, 200] = [101, 202]; rows 0, 2, 4 are absent.
        CollectionAssert.AreEqual(new[] { 1, 3 }, g.Rows);
        CollectionAssert.AreEqual(new[] { 10f, 20f, 101f, 202f }, g.Values);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => embedding.Forward([5], new float[2]));
    }

    [TestMethod]
    public void MeanPoolingValuesEmptyBagAndSparseGradient()
    {
        var embedding = new Embedding(4, 2, standardDeviation: 1f, seed: 5);
        float[] table = [1, 2, 3, 4, 5, 6, 7, 8];
        table.CopyTo(embedding.Weights, 0);
        // Bags: {0, 2}, {}, {3, 3, 1}.
        int[] offsets = [0, 2, 2, 5];
        int[] indices = [0, 2, 3, 3, 1];
        var pooled = new float[6];
        embedding.ForwardMean(offsets, indices, pooled);
        // mean(row0, row2) = ([1,2] + [5,6]) / 2 = [3, 4]; empty → [0, 0]; mean(row3, row3, row1) = ([7,8]·2 + [3,4]) / 3 = [17/3, 20/3].
        float[] expected = [3, 4, 0, 0, 17f / 3, 20f / 3];
        for (int i = 0; i < 6; i++) Assert.AreEqual(expected[i], pooled[i], 1e-6f);

        // Upstream [1, 1] per bag: rows 0 and 2 get 1/2 each; row 3 gets 2·(1/3), row 1 gets 1/3; the empty bag adds nothing.
        var g = embedding.BackwardMean(offsets, indices, [1f, 1f, 5f, 5f, 1f, 1f]);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, g.Rows);
        float[] expectedGradient = [0.5f, 0.5f, 1f / 3, 1f / 3, 0.5f, 0.5f, 2f / 3, 2f / 3];
        for (int i = 0; i < 8; i++) Assert.AreEqual(expectedGradient[i], g.Values[i], 1e-6f);
    }

    [TestMethod]
    public void MeanPoolingSparseGradientMatchesFiniteDifferences()
    {
        const int count = 7, dim = 3;
        var embedding = new Embedding(count, dim, standardDeviation: 1f, seed: 6);
        int[] offsets = [0, 3, 3, 4, 8];
        int[] indices = [1, 4, 1, 6, 0, 2, 4, 4]; // row 5 (and 3) untouched
        var w = GradientCheck.Random(17, 4 * dim);
        var sparse = embedding.BackwardMean(offsets, indices, w);
        Assert.IsFalse(sparse.Rows.Contains(5) || sparse.Rows.Contains(3), "untouched rows carry no gradient entry");
        var dense = new float[count * dim];
        for (int s = 0; s < sparse.Rows.Length; s++) sparse.Row(s).CopyTo(dense.AsSpan(sparse.Rows[s] * dim, dim));
        GradientCheck.AssertMatches("mean pooling", embedding.Weights, dense, () =>
        {
            var pooled = new float[4 * dim];
            embedding.ForwardMean(offsets, indices, pooled);
            return GradientCheck.Project(pooled, w);
        });
    }

    [TestMethod]
    public void MalformedBagsAreRejected()
    {
        var table = new float[6];
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => BagPooling.MeanForward(table, 2, [0, 2, 1], [0, 1], new float[4]));
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => BagPooling.MeanForward(table, 2, [0, 1], [3], new float[2]));
        StringAssert.Contains(ex.Message, "indices[0] = 3");
    }
}
