using Microsoft.ML;
using MLNetRecExtensions.Tests.Numerics;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>
/// Finite-difference checks of the full batch loss (towers, normalization, logits, log-Q, mask, gravity) with respect
/// to every trainable array: each embedding table (sparse gradients made dense) and every MLP weight and bias of both
/// towers. The data has user features (ID, training history, occupation, age with powers) and item features (kind,
/// flags), so every field and both MLPs are exercised. The same seeded Random draws the same candidates each call.
/// </summary>
[TestClass]
public sealed class TwoTowerGradientTests
{
    private static TwoTowerOptions FeatureOptions(TwoTowerLoss loss) => new()
    {
        EmbeddingDimension = 3,
        UserHiddenLayers = [5],
        ItemHiddenLayers = [4],
        CategoricalColumnNames = ["Occupation"],
        ContinuousColumnNames = ["Age"],
        ItemCategoricalColumnNames = ["Kind"],
        ItemContinuousColumnNames = ["Flags"],
        Temperature = 0.5f,
        Loss = loss,
        SharedNegatives = loss == TwoTowerLoss.SampledSoftmax ? 5 : 0,
        Seed = 11,
    };

    private static void CheckAllGradients(TwoTowerOptions options, int[] batch)
    {
        var ml = new MLContext(1);
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var (network, trainer, _, _) = TwoTowerEstimator.Prepare(view, options, TwoTowerSchema.Resolve(view.Schema, options));
        var sink = new GradientSink();
        double Loss() => trainer.BatchLoss(batch, new Random(5), null);
        float loss = trainer.BatchLoss(batch, new Random(5), sink);
        Assert.IsTrue(float.IsFinite(loss) && loss > 0, $"loss {loss}");
        var tables = network.Tables.Select(t => (t, sink.Dense(t))).ToList();
        var dense = network.DenseParameters.Select(p => (p, (float[])p.Gradient.Clone())).ToList();
        Assert.IsTrue(tables.Any(t => t.Item2.Any(g => g != 0)), "some embedding gradient is non-zero");
        foreach (var (table, gradient) in tables)
            GradientCheck.AssertMatches($"table[{table.Count}×{table.Dimension}]", table.Weights, gradient, Loss);
        foreach (var (p, gradient) in dense)
            GradientCheck.AssertMatches(p.Name, p.Values, gradient, Loss);
    }

    [TestMethod]
    public void FullSoftmaxGradientsMatchFiniteDifferences() =>
        CheckAllGradients(FeatureOptions(TwoTowerLoss.FullSoftmax), [0, 1, 2, 3, 4, 5]);

    [TestMethod]
    public void SampledSoftmaxWithLogQGradientsMatchFiniteDifferences() =>
        CheckAllGradients(FeatureOptions(TwoTowerLoss.SampledSoftmax), [0, 1, 3, 5, 7]);

    // Rows 0 and 2 share item 1, rows 1 and 4 share item 4: the accidental hits are masked.
    [TestMethod]
    public void InBatchSoftmaxWithMaskGradientsMatchFiniteDifferences() =>
        CheckAllGradients(FeatureOptions(TwoTowerLoss.InBatchSoftmax), [0, 1, 2, 3, 4, 5, 6, 7]);

    [TestMethod]
    public void MixedNegativesWithGravityAndDotGradientsMatchFiniteDifferences()
    {
        var options = FeatureOptions(TwoTowerLoss.InBatchSoftmax);
        options.SharedNegatives = 3;
        options.GravityWeight = 0.7f;
        options.Similarity = TwoTowerSimilarity.Dot;
        CheckAllGradients(options, [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    // No hit removal: the loss is computed over the distinct users and items of the batch (rows 0 and 2 share
    // item 1, rows 1 and 4 item 4), whose regrouped gradients must still be the exact per-row ones.
    [TestMethod]
    public void UnmaskedInBatchSoftmaxOverDistinctRowsGradientsMatchFiniteDifferences()
    {
        var options = FeatureOptions(TwoTowerLoss.InBatchSoftmax);
        options.RemoveAccidentalHits = false;
        options.SharedNegatives = 2;
        CheckAllGradients(options, [0, 1, 2, 3, 4, 5, 6, 7, 1]);
    }

    // The joint item MLP (ID embedding and features through one MLP) instead of the default residual item tower.
    [TestMethod]
    public void JointItemMlpGradientsMatchFiniteDifferences()
    {
        var options = FeatureOptions(TwoTowerLoss.FullSoftmax);
        options.ItemTowerResidual = false;
        CheckAllGradients(options, [0, 1, 2, 3, 4, 5]);
    }

    [TestMethod]
    public void PositivesOnlyWithGravityGradientsMatchFiniteDifferences()
    {
        var options = FeatureOptions(TwoTowerLoss.PositivesOnly);
        options.GravityWeight = 0.4f;
        CheckAllGradients(options, [0, 2, 4, 6, 8]);
    }

    // Gravity alone against its definition: R = λ/(n·m) Σ_ij (u_i·v_j)² computed pair by pair.
    [TestMethod]
    public void GravityEqualsTheMeanSquaredPairScoreAndItsGradientMatches()
    {
        int n = 3, m = 4, d = 2;
        var u = GradientCheck.Random(1, n * d);
        var v = GradientCheck.Random(2, m * d);
        var dU = new float[n * d];
        var dV = new float[m * d];
        float r = GravityRegularizer.Apply(u, n, v, m, d, 0.5f, dU, dV);
        double Direct()
        {
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double dot = 0;
                    for (int k = 0; k < d; k++) dot += (double)u[i * d + k] * v[j * d + k];
                    s += dot * dot;
                }
            return 0.5 * s / (n * m);
        }
        Assert.AreEqual(Direct(), r, 1e-5);
        GradientCheck.AssertMatches("dU", u, dU, Direct);
        GradientCheck.AssertMatches("dV", v, dV, Direct);
    }
}

/// <summary>The tower's dense-scratch path for long bags equals the embedding's sparse mean-pooling gradient.</summary>
[TestClass]
public sealed class TowerPoolingTests
{
    [TestMethod]
    public void DenseScratchGradientOfLongBagsEqualsTheSparseGradient()
    {
        var table = new MLNetRecExtensions.Numerics.Embedding(10, 3, 0.5f, 1);
        var tower = new Tower([table], 0, null, 3, 1);
        // Three bags of 6, 5 and 7 ids (repeats included): 18 ids ≥ 4 per bag, so the dense path is taken.
        int[][] rows = [[0, 1, 2, 2, 9, 4], [3, 3, 3, 1, 0], [5, 6, 7, 8, 9, 0, 1]];
        var bags = Bags.From(rows);
        var upstream = GradientCheck.Random(4, 3 * 3);
        for (int repeat = 0; repeat < 2; repeat++) // the second call checks the scratch was cleared
        {
            var dense = tower.PooledGradient(table, bags, upstream);
            var sparse = table.BackwardMean(bags.Offsets, bags.Indices, upstream);
            CollectionAssert.AreEqual(sparse.Rows, dense.Rows);
            for (int j = 0; j < sparse.Values.Length; j++) Assert.AreEqual(sparse.Values[j], dense.Values[j], 1e-6f);
        }
    }
}
