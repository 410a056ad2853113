using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Tests.Numerics;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>The options that reproduce the PyTorch peer's ID-only model (bare towers, Keras init, hits kept, dense Adam).</summary>
[TestClass]
public sealed class TwoTowerPeerModelTests
{
    private static TwoTowerOptions Bare(int dimension = 3) => new()
    {
        EmbeddingDimension = dimension,
        UseTrainingHistory = false,
        BareUserIdTower = true,
        Similarity = TwoTowerSimilarity.Dot,
        Temperature = 1f,
        RemoveAccidentalHits = false,
        Initialization = TwoTowerInitialization.KerasUniform,
        DenseEmbeddingUpdates = true,
        LearningRate = 1e-3f,
        NumberOfEpochs = 10,
        Seed = 11,
    };

    [TestMethod]
    public void BareUserTowerHasNoParametersAndItsOutputIsTheIdRow()
    {
        var ml = new MLContext(1);
        var options = Bare();
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var (network, _, _, _) = TwoTowerEstimator.Prepare(view, options, TwoTowerSchema.Resolve(view.Schema, options));
        Assert.IsNull(network.UserTower.Mlp);
        Assert.IsEmpty(network.DenseParameters);
        // Keras / TFRS initialisation: every entry of every table in [−0.05, 0.05], and not all zero.
        foreach (var table in network.Tables)
        {
            Assert.IsTrue(table.Weights.All(w => Math.Abs(w) <= 0.05f), "uniform ±0.05");
            Assert.IsTrue(table.Weights.Max() > 0.02f && table.Weights.Min() < -0.02f, "spread over the interval");
        }
        options.Initialization = TwoTowerInitialization.Normal;
        var (normal, _, _, _) = TwoTowerEstimator.Prepare(view, options, TwoTowerSchema.Resolve(view.Schema, options));
        Assert.IsTrue(normal.ItemIds.Weights.Any(w => Math.Abs(w) > 0.05f), "N(0, 1/3) reaches beyond 0.05");
    }

    // In-batch softmax with the accidental hits kept as negatives (rows 0 and 2 share item 1, rows 1 and 4 item 4).
    [TestMethod]
    public void BareTowerWithAccidentalHitsKeptGradientsMatchFiniteDifferences()
    {
        var ml = new MLContext(1);
        var options = Bare();
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var (network, trainer, _, _) = TwoTowerEstimator.Prepare(view, options, TwoTowerSchema.Resolve(view.Schema, options));
        int[] batch = [0, 1, 2, 3, 4, 5, 6, 7];
        var sink = new GradientSink();
        double Loss() => trainer.BatchLoss(batch, new Random(5), null);
        float loss = trainer.BatchLoss(batch, new Random(5), sink);
        Assert.IsTrue(float.IsFinite(loss) && loss > 0);
        foreach (var table in network.Tables)
            GradientCheck.AssertMatches($"table[{table.Count}×{table.Dimension}]", table.Weights, sink.Dense(table), Loss);
    }

    [TestMethod]
    public void BareUserTowerRefusesOtherUserInputs()
    {
        var options = Bare();
        options.UseTrainingHistory = true;
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TwoTowerEstimator(new MLContext(1), options));
        StringAssert.Contains(ex.Message, "BareUserIdTower");
    }

    // The peer (PyTorch, same model and protocol) reaches NDCG@10 0.420; measured here 0.4256.
    [TestMethod]
    public void PeerModelReachesThePeersNdcgOnMovieLens100K()
    {
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        var ml = new MLContext(1);
        var options = Bare(64);
        options.Seed = 42;
        var board = new RecommenderComparison(ml).Add("peer model", ml.Recommenders().Trainers.TwoTower(options)).Run(split, "ml-100k");
        double ndcg = board.Entries.Single().Ranking.Ndcg;
        Assert.IsGreaterThanOrEqualTo(0.42, ndcg, $"NDCG@10 = {ndcg:F4}");
    }
}
