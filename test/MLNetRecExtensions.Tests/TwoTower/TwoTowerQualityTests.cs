using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>Ranking quality on data with known structure, and the folding effect of negatives.</summary>
[TestClass]
public sealed class TwoTowerQualityTests
{
    internal static RankingReport Evaluate(IEmbeddingModel model, InteractionSplit split, RankingEvaluationOptions? options = null, int k = 10)
    {
        var seen = UserItemMatrix.FromInteractions(split.Train);
        var test = UserItemMatrix.FromInteractions(split.Test);
        var users = Enumerable.Range(0, test.UserCount).Where(u => test.RowStart[u + 1] > test.RowStart[u]).ToArray();
        var result = ExactTopK.Recommend(model, users, k, seen);
        var ranked = new int[]?[test.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = result.ItemsOf(q).ToArray();
        return RankingEvaluator.Evaluate(ranked, test, k, options);
    }

    // Two disjoint taste groups with skewed popularity: popularity recommends the top items of BOTH groups (about half
    // wrong), a model that learns the groups recommends only the user's group.
    [TestMethod]
    public void LearnsTasteGroupsWellAbovePopularity()
    {
        var ml = new MLContext(1);
        var split = InteractionSplits.StratifiedByUser(TwoTowerTestData.TwoGroups(users: 120, items: 60, perUser: 10), 0.75, 42);
        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EmbeddingDimension = 16, NumberOfEpochs = 30, BatchSize = 64, LearningRate = 0.01f })
            .Fit(split.Train.ToDataView(ml));
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(split.Train.ToDataView(ml));
        double twoTower = Evaluate(model, split).Ndcg, popular = Evaluate(popularity, split).Ndcg;
        Assert.IsTrue(twoTower > 1.3 * popular, $"two-tower NDCG@10 {twoTower:F3} vs popularity {popular:F3}");
    }

    internal static ColoredGroupsDataset FoldingData() => ColoredGroupsGenerator.Generate(new ColoredGroupsOptions
    {
        UserCount = 600, ItemCount = 240, GroupCount = 6, InteractionsPerUser = 12, InGroupProbability = 1.0, ExplicitRatings = false, Seed = 7,
    });

    internal static double FoldingScore(TwoTowerOptions options, ColoredGroupsDataset data)
    {
        var ml = new MLContext(1);
        var split = InteractionSplits.StratifiedByUser(data.Interactions, 0.75, 42);
        var model = ml.Recommenders().Trainers.TwoTower(options).Fit(split.Train.ToDataView(ml));
        var all = split.Combined();
        var report = Evaluate(model, split, new RankingEvaluationOptions { ItemGroups = data.ItemGroups, InteractedItems = UserItemMatrix.FromInteractions(all) });
        return report.FoldingScore!.Value;
    }

    // Folding (Xin et al. 2019): trained on positives only, nothing keeps the groups apart, so users get items of groups
    // they never touched; negatives (in-batch softmax) separate them.
    [TestMethod]
    public void NegativesReduceFoldingComparedWithPositivesOnly()
    {
        var data = FoldingData();
        TwoTowerOptions Options(TwoTowerLoss loss) => new() { EmbeddingDimension = 16, NumberOfEpochs = 20, BatchSize = 128, LearningRate = 0.01f, Loss = loss, UseTrainingHistory = false };
        double positivesOnly = FoldingScore(Options(TwoTowerLoss.PositivesOnly), data);
        double inBatch = FoldingScore(Options(TwoTowerLoss.InBatchSoftmax), data);
        Assert.IsTrue(inBatch * 4 < positivesOnly, $"folding with negatives {inBatch:F3} vs positives only {positivesOnly:F3}");
    }
}
