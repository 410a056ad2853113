using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.ModelSelection;
using MLNetRecExtensions.Recommendation;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.ModelSelection;

[TestClass]
public sealed class RecommenderSearchTests
{
    private static RecommenderSearchResult Search(InteractionSplit split, int maxTrials, int seed = 5, params RecommenderKind[] models) =>
        new RecommenderSearch(new MLContext(seed), new RecommenderSearchOptions
        {
            TrainingTime = TimeSpan.FromMinutes(5), MaxTrials = maxTrials, Seed = seed,
            Models = models.Length > 0 ? models : [RecommenderKind.Popularity, RecommenderKind.ImplicitAls, RecommenderKind.MatrixFactorization],
        }).Run(split);

    [TestMethod]
    public void DefaultsComeFirstThenTheSearchBeatsPopularityOnStructuredData()
    {
        var split = RecommenderSearch.ValidationSplit(Groups(users: 120, items: 80, perUser: 10), 1);
        var result = Search(split, 8);
        Assert.HasCount(8, result.Trials);
        // Implicit data: MF is skipped; the defaults of popularity and iALS come first.
        Assert.AreEqual(TrialSettings.Defaults(RecommenderKind.Popularity), result.Trials[0].Settings);
        Assert.AreEqual(TrialSettings.Defaults(RecommenderKind.ImplicitAls), result.Trials[1].Settings);
        Assert.IsTrue(result.Trials.All(t => t.Settings.Kind != RecommenderKind.MatrixFactorization));
        Assert.AreEqual(result.Trials.Count, result.Trials.Select(t => t.Settings).Distinct().Count(), "no point is tried twice");
        Assert.AreEqual(RecommenderKind.ImplicitAls, result.Best.Settings.Kind);
        Assert.IsGreaterThan(result.Trials[0].Metric * 1.5, result.Best.Metric, $"best {result.Best.Metric:F4} vs popularity {result.Trials[0].Metric:F4}");
        Assert.AreEqual(result.Trials.Max(t => t.Metric), result.Best.Metric);
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameTrials()
    {
        var split = RecommenderSearch.ValidationSplit(Groups(users: 60, items: 40, perUser: 6), 2);
        var a = Search(split, 5, 9, RecommenderKind.ImplicitAls);
        var b = Search(split, 5, 9, RecommenderKind.ImplicitAls);
        CollectionAssert.AreEqual(a.Trials.Select(t => t.Settings.Describe() + " " + t.Metric).ToArray(), b.Trials.Select(t => t.Settings.Describe() + " " + t.Metric).ToArray());
    }

    [TestMethod]
    public void ABudgetSmallerThanOneTrialStillRunsOneAndTheRefitRecommendsInOriginalIds()
    {
        var data = Groups(users: 40, items: 24, perUser: 5);
        var result = new RecommenderSearch(new MLContext(1), new RecommenderSearchOptions { TrainingTime = TimeSpan.FromTicks(1) })
            .Run(RecommenderSearch.ValidationSplit(data, 1));
        Assert.HasCount(1, result.Trials);
        var fitted = FittedRecommender.Fit(new MLContext(1), result.Best.Settings, data, 1, 5);
        Assert.HasCount(5, fitted.Recommender.Recommend("user-1", 5).Items);
        Assert.IsTrue(fitted.Recommender.Recommend("user-1", 5).Items.All(i => i.Item.StartsWith("item-", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DataRow("ndcg@10", RankingMetric.Ndcg, 10)]
    [DataRow("Recall@5", RankingMetric.Recall, 5)]
    [DataRow("hitrate", RankingMetric.HitRate, 10)]
    public void MetricsParse(string text, RankingMetric metric, int k) => Assert.AreEqual((metric, k), RankingMetrics.Parse(text));

    [TestMethod]
    [DataRow("auc")]
    [DataRow("ndcg@0")]
    [DataRow("ndcg@x")]
    [DataRow("3")]
    public void BadMetricsAreRejected(string text) => Assert.ThrowsExactly<FormatException>(() => RankingMetrics.Parse(text));

    [TestMethod]
    public void OnlyInapplicableFamiliesIsAnError()
    {
        var split = RecommenderSearch.ValidationSplit(Groups(users: 20, items: 16, perUser: 4), 1);
        var search = new RecommenderSearch(new MLContext(1), new RecommenderSearchOptions { Models = [RecommenderKind.MatrixFactorization, RecommenderKind.TwoStage] });
        Assert.ThrowsExactly<InvalidOperationException>(() => search.Run(split));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecommenderSearch(new MLContext(1), new RecommenderSearchOptions { Models = [] }));
    }
}
