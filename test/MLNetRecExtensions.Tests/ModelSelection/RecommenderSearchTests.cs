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
    public void EveryTrialIsScoredOnEachValidationSplitAndReportsTheMean()
    {
        var data = Groups(users: 60, items: 40, perUser: 8);
        var splits = RecommenderSearch.ValidationSplits(data, 7, 3);
        Assert.HasCount(3, splits);
        Assert.AreNotEqual(string.Join(",", splits[0].Test.Items), string.Join(",", splits[1].Test.Items), "the splits differ");
        var options = new RecommenderSearchOptions
        {
            TrainingTime = TimeSpan.FromMinutes(5), MaxTrials = 2, Seed = 7, ValidationFolds = 3,
            Models = [RecommenderKind.Popularity, RecommenderKind.ImplicitAls],
        };
        var result = new RecommenderSearch(new MLContext(7), options).Run(data);
        foreach (var trial in result.Trials)
        {
            Assert.HasCount(3, trial.FoldMetrics);
            Assert.AreEqual(trial.FoldMetrics.Average(), trial.Metric, 1e-12);
            // Each split's score is what a one-split search on that split measures for the same settings.
            for (int f = 0; f < 3; f++)
            {
                var single = new RecommenderSearch(new MLContext(7), options).Run(splits[f]).Trials.Single(t => t.Settings.Equals(trial.Settings));
                Assert.AreEqual(single.Metric, trial.FoldMetrics[f], 1e-12, $"{trial.Settings.Kind} split {f}");
            }
        }
        Assert.IsGreaterThan(0, result.Trials[1].StandardError);
        // Timestamps make the split temporal and unique: one split whatever the fold count.
        var timed = new InteractionData(data.UserCount, data.ItemCount, data.Users, data.Items, data.Labels,
            Enumerable.Range(0, data.Count).Select(i => (double)i).ToArray(), data.UserIds, data.ItemIds);
        Assert.HasCount(1, RecommenderSearch.ValidationSplits(timed, 7, 3));
    }

    private static SearchTrial Trial(int number, TrialSettings settings, params double[] folds) =>
        new(number, settings, folds.Average(), null, 1, null, folds);

    [TestMethod]
    public void TheDefaultsAreKeptOnlyWhenTheBestIsWithinOneStandardErrorOfThem()
    {
        var defaults = TrialSettings.Defaults(RecommenderKind.ImplicitAls);
        var tuned = new TrialSettings(RecommenderKind.ImplicitAls, new Dictionary<string, double> { ["Lambda"] = 50 });
        var popularity = Trial(1, TrialSettings.Defaults(RecommenderKind.Popularity), 0.10, 0.11, 0.12);
        // Differences 0.01, -0.01, 0.02: mean 0.0067 < standard error 0.0088 → the defaults stay.
        var noisy = new[] { popularity, Trial(2, defaults, 0.30, 0.32, 0.31), Trial(3, tuned, 0.31, 0.31, 0.33) };
        Assert.AreSame(noisy[1], RecommenderSearch.Select(noisy));
        // Differences 0.10, 0.09, 0.11: a clear gain → the tuned point wins.
        var clear = new[] { popularity, Trial(2, defaults, 0.30, 0.32, 0.31), Trial(3, tuned, 0.40, 0.41, 0.42) };
        Assert.AreSame(clear[2], RecommenderSearch.Select(clear));
        // One split: no standard error, the highest score wins.
        var one = new[] { Trial(1, defaults, 0.30), Trial(2, tuned, 0.301) };
        Assert.AreSame(one[1], RecommenderSearch.Select(one));
        Assert.AreEqual(0.0088192, RecommenderSearch.StandardError([0.01, -0.01, 0.02]), 1e-6);
    }

    [TestMethod]
    public void FamiliesShareTheTimeByWeightSoACheapFamilyGetsManyMoreTrials()
    {
        // iALS (weight 4) trials take 1 s, two-tower (weight 2) trials 20 s. Sharing time 4:2 gives iALS about 2/3 of
        // the seconds and so about 40 trials per two-tower trial; an equal-count 4:2 round robin would give 2 and hand
        // two-tower 10/11 of the time.
        var space = new SearchSpace([RecommenderKind.ImplicitAls, RecommenderKind.TwoTower], seed: 3);
        var seconds = new Dictionary<RecommenderKind, List<double>> { [RecommenderKind.ImplicitAls] = [], [RecommenderKind.TwoTower] = [] };
        var kinds = new List<RecommenderKind>();
        for (int n = 0; n < 200; n++)
        {
            var s = space.Next(_ => true, _ => null, k => seconds[k]);
            Assert.IsNotNull(s);
            space.Tried(s);
            kinds.Add(s.Kind);
            seconds[s.Kind].Add(s.Kind == RecommenderKind.ImplicitAls ? 1 : 20);
        }
        // iALS defaults first; two-tower's defaults wait only until iALS has had a comparable time (its first trial is
        // estimated at the longest seen, 1 s: (0 + 1) / 2 against iALS's (n + 1) / 4), so they run third.
        Assert.AreEqual(TrialSettings.Defaults(RecommenderKind.ImplicitAls), TrialSettings.Defaults(kinds[0]));
        Assert.AreEqual(2, kinds.IndexOf(RecommenderKind.TwoTower));
        double share = seconds[RecommenderKind.TwoTower].Sum() / seconds.Values.Sum(v => v.Sum());
        Assert.IsTrue(share > 0.28 && share < 0.38, $"two-tower time share {share:F3}, expected about 1/3");
        int als = kinds.Count(k => k == RecommenderKind.ImplicitAls), tower = kinds.Count - als;
        Assert.IsGreaterThan(20 * tower, als, $"iALS {als} trials, two-tower {tower}");
        // A family that does not fit (allowed says no) yields to the others.
        var onlyAls = space.Next(s => s.Kind == RecommenderKind.ImplicitAls, _ => null, k => k == RecommenderKind.ImplicitAls ? [1e9] : []);
        Assert.AreEqual(RecommenderKind.ImplicitAls, onlyAls!.Kind);
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
