using Microsoft.ML;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>The YouTube-DNN recipe options: example age from a timestamp column, a cap on examples per user.</summary>
[TestClass]
public sealed class TwoTowerRecipeTests
{
    [TestMethod]
    public void MaxExamplesPerUserKeepsAtMostTheCapPerUserDeterministically()
    {
        int[] users = [0, 0, 0, 0, 0, 1, 1, 2, 0, 1];
        var capped = TwoTowerTrainer.CapPerUser(users, 3, 2, seed: 7);
        Assert.AreEqual(2, capped.Count(r => users[r] == 0));
        Assert.AreEqual(2, capped.Count(r => users[r] == 1));
        Assert.AreEqual(1, capped.Count(r => users[r] == 2), "a user under the cap keeps all rows");
        CollectionAssert.AreEqual(capped, TwoTowerTrainer.CapPerUser(users, 3, 2, seed: 7), "same seed, same rows");
        CollectionAssert.AreEqual(capped.Order().ToArray(), capped, "kept in data order");
        CollectionAssert.AreEqual(Enumerable.Range(0, users.Length).ToArray(), TwoTowerTrainer.CapPerUser(users, 3, 0, seed: 7), "0 keeps every row");
    }

    [TestMethod]
    public void ExampleAgeIsLearnedFromTimestampsAndIsZeroAtServing()
    {
        var ml = new MLContext(1);
        var rows = TwoTowerTestData.FeatureRows();
        var view = TwoTowerTestData.View(ml, rows);
        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        {
            EmbeddingDimension = 4, NumberOfEpochs = 2, BatchSize = 4, CategoricalColumnNames = ["Occupation"],
            ExampleAgeColumnName = "Age", // the test rows' Age stands in for a timestamp
        }).Fit(view);
        // Serving is at example age 0: a known user's row equals the typed API with no continuous inputs given.
        var typed = model.ComputeUserEmbedding(new TwoTowerUserFeatures { User = 2, Categoricals = [2] });
        CollectionAssert.AreEqual(model.UserEmbeddings.Row(2).ToArray(), typed);
        // Training saw ages max − t in [0, 25]: the age input is real, so a model without it embeds users differently.
        var without = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        {
            EmbeddingDimension = 4, NumberOfEpochs = 2, BatchSize = 4, CategoricalColumnNames = ["Occupation"],
        }).Fit(view);
        CollectionAssert.AreNotEqual(without.UserEmbeddings.Row(2).ToArray(), typed);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { ExampleAgeColumnName = "Occupation" }).Fit(view));
    }

    [TestMethod]
    public void EmbeddingWeightDecayShrinksTheIdEmbeddings()
    {
        // Bare user-ID tower with dot similarity: the fitted user embeddings are the user-ID table itself, so the
        // decay's pull λ·w on every touched row must show as smaller rows; the ranking still separates the two groups.
        var ml = new MLContext(1);
        var split = MLNetRecExtensions.Data.InteractionSplits.StratifiedByUser(TwoTowerTestData.TwoGroups(users: 80, items: 40, perUser: 10), 0.75, 42);
        TwoTowerTransformer Fit(float decay) => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        {
            EmbeddingDimension = 8, NumberOfEpochs = 30, BatchSize = 64, LearningRate = 0.01f, BareUserIdTower = true,
            UseTrainingHistory = false, Similarity = TwoTowerSimilarity.Dot, Temperature = 1f, EmbeddingWeightDecay = decay,
        }).Fit(split.Train.ToDataView(ml));
        static double MeanNorm(MLNetRecExtensions.Retrieval.EmbeddingTable t) =>
            Enumerable.Range(0, t.Count).Average(r => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot<float>(t.Row(r), t.Row(r))));
        var plain = Fit(0f);
        var decayed = Fit(0.05f);
        double plainNorm = MeanNorm(plain.UserEmbeddings), decayedNorm = MeanNorm(decayed.UserEmbeddings);
        Assert.IsTrue(decayedNorm < 0.8 * plainNorm, $"mean user-row norm with decay {decayedNorm:F3} vs without {plainNorm:F3}");
        double ndcg = TwoTowerQualityTests.Evaluate(decayed, split).Ndcg;
        double popular = TwoTowerQualityTests.Evaluate(ml.Recommenders().Trainers.Popularity().Fit(split.Train.ToDataView(ml)), split).Ndcg;
        Assert.IsTrue(ndcg > 1.3 * popular, $"NDCG@10 with decay {ndcg:F3} vs popularity {popular:F3}");
    }

    [TestMethod]
    public void DropoutAndDecayOptionsAreValidated()
    {
        var ml = new MLContext(1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { UserIdDropout = 1f }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { ItemIdDropout = -0.1f }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EmbeddingWeightDecay = float.NaN }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { MaxExamplesPerUser = -1 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { ContinuousBuckets = 1 }));
    }
}
