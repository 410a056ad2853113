using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using static MLNetRecExtensions.Tests.Factorization.FactorizationTestData;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class ImplicitAlsTests
{
    /// <summary>Two groups of 20 users × 15 items; each user interacts with ~60% of its own group's items only.</summary>
    private static InteractionData TwoGroups(int seed)
    {
        var random = new Random(seed);
        var users = new List<int>();
        var items = new List<int>();
        for (int u = 0; u < 40; u++)
            for (int i = 0; i < 15; i++)
                if (random.NextDouble() < 0.6)
                {
                    users.Add(u);
                    items.Add(i + (u < 20 ? 0 : 15));
                }
        return new InteractionData(40, 30, users.ToArray(), items.ToArray(), Enumerable.Repeat(1f, users.Count).ToArray());
    }

    /// <summary>Mean score of observed pairs, mean score of unobserved same-group pairs, mean |score| of cross-group pairs.</summary>
    private static (double Observed, double UnobservedWithin, double Cross) MeanScores(MatrixFactorizationModel model, InteractionData data)
    {
        var seen = UserItemMatrix.FromInteractions(data);
        double obs = 0, unobs = 0, cross = 0;
        int nObs = 0, nUnobs = 0;
        for (int u = 0; u < 40; u++)
            for (int i = 0; i < 30; i++)
            {
                double s = model.Score(u, i);
                if ((u < 20) != (i < 15)) cross += Math.Abs(s);
                else if (seen.Contains(u, i)) { obs += s; nObs++; }
                else { unobs += s; nUnobs++; }
            }
        return (obs / nObs, unobs / nUnobs, cross / 600);
    }

    private static MatrixFactorizationModel Fit(InteractionData data, double w0, ImplicitAlsTrainer.SolverType solver, int seed, int threads = 1, int cgSteps = 3, int rank = 4)
    {
        var ml = new MLContext(1);
        return ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            ApproximationRank = rank, Lambda = 0.1, Alpha = 1, UnobservedWeight = w0, NumberOfIterations = 15, Solver = solver,
            Seed = seed, NumberOfThreads = threads, CgSteps = cgSteps,
        }).Fit(data.ToDataView(ml));
    }

    [TestMethod]
    public void UnobservedWeightSeparatesGroupsWhilePositivesOnlyFolds()
    {
        // Theory: with w0 > 0 every unobserved pair is pulled towards 0, so observed pairs score high, unobserved
        // same-group pairs lower and cross-group pairs ≈ 0. With w0 = 0 only observed pairs enter the loss: the
        // minimiser scores every same-group pair ≈ 1 (no discrimination at all) and nothing constrains cross-group
        // scores, which stay wherever the initialisation put them, i.e. the groups "fold" onto each other.
        double cross1 = 0, cross0 = 0;
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var data = TwoGroups(seed);
            var w1 = MeanScores(Fit(data, 1, ImplicitAlsTrainer.SolverType.Cholesky, seed, rank: 8), data);
            var w0 = MeanScores(Fit(data, 0, ImplicitAlsTrainer.SolverType.Cholesky, seed, rank: 8), data);
            string info = $"seed {seed}: w0 = 1 {w1}, w0 = 0 {w0}";
            Assert.IsLessThan(0.25 * w1.Observed, w1.Cross, info);
            Assert.IsLessThan(w1.Observed - 0.3, w1.UnobservedWithin, info);
            Assert.IsGreaterThan(0.9, w0.UnobservedWithin, info);
            cross1 += w1.Cross;
            cross0 += w0.Cross;
        }
        Assert.IsGreaterThan(2 * cross1, cross0, $"mean |cross-group score| w0 = 0: {cross0 / 3:F3}, w0 = 1: {cross1 / 3:F3}");
    }

    [TestMethod]
    public void ExactAlsNeverIncreasesTheObjective()
    {
        // Each Cholesky half-step minimises the objective exactly over one side, so the reported loss cannot rise.
        var data = TwoGroups(5);
        var ml = new MLContext(1);
        var log = new ProgressLog<MatrixFactorizationProgress>();
        ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            ApproximationRank = 6, Lambda = 0.5, Alpha = 2, UnobservedWeight = 0.3, Gravity = 0.1, NumberOfIterations = 10,
            Solver = ImplicitAlsTrainer.SolverType.Cholesky, NumberOfThreads = 1, Progress = log,
        }).Fit(data.ToDataView(ml));
        Assert.HasCount(10, log.Reports);
        for (int k = 1; k < log.Reports.Count; k++)
            Assert.IsLessThanOrEqualTo(log.Reports[k - 1].Loss * (1 + 1e-6), log.Reports[k].Loss, $"iteration {k + 1}");
    }

    [TestMethod]
    public void ConjugateGradientMatchesCholeskyAndResultIgnoresThreadCount()
    {
        var data = TwoGroups(4);
        var cholesky = Fit(data, 1, ImplicitAlsTrainer.SolverType.Cholesky, 4);
        // With as many CG steps as the rank each row solve is exact (up to rounding), so the runs follow the same path.
        var cg = Fit(data, 1, ImplicitAlsTrainer.SolverType.ConjugateGradient, 4, cgSteps: 4);
        var cg2 = Fit(data, 1, ImplicitAlsTrainer.SolverType.ConjugateGradient, 4, threads: 2, cgSteps: 4);
        CollectionAssert.AreEqual(cg.UserFactors.Values, cg2.UserFactors.Values);
        CollectionAssert.AreEqual(cg.ItemFactors.Values, cg2.ItemFactors.Values);
        for (int u = 0; u < 40; u++)
            for (int i = 0; i < 30; i++)
                Assert.AreEqual(cholesky.Score(u, i), cg.Score(u, i), 0.02, $"user {u}, item {i}");
    }

    [TestMethod]
    public void DefaultsReachNdcgAndMapTargetsOnMovieLens100K()
    {
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        var ml = new MLContext(1);
        // Binary relevance, top 10 of all items minus the user's training items (the published BPR 0.442 / 0.133 protocol).
        var board = new RecommenderComparison(ml).Add("iALS", ml.Recommenders().Trainers.ImplicitAls()).Run(split, "ML-100K");
        double ndcg = board.Entries[0].Ranking.Ndcg, map = board.Entries[0].Ranking.Map;
        Assert.IsGreaterThanOrEqualTo(0.40, ndcg, $"NDCG@10 {ndcg:F4}");
        Assert.IsGreaterThanOrEqualTo(0.12, map, $"MAP@10 {map:F4}");
    }

    [TestMethod]
    public void UnobservedWeightCutsTheFoldingScoreOnColoredGroups()
    {
        // Four groups; users stay in their group 95% of the time. Trained on positives only (w0 = 0), every item
        // vector is free to point the same way, so top-10 lists leak into groups a user never touched.
        var synthetic = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions
        { UserCount = 400, ItemCount = 160, GroupCount = 4, InteractionsPerUser = 15, Seed = 3 });
        var split = InteractionSplits.StratifiedByUser(synthetic.Interactions, 0.75, 42);
        var ml = new MLContext(1);
        var board = new RecommenderComparison(ml)
            .Add("w0=1", ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 16, Lambda = 1, UnobservedWeight = 1 }))
            .Add("w0=0", ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 16, Lambda = 1, UnobservedWeight = 0 }))
            .Run(split, "colored groups", new ComparisonOptions { ItemGroups = synthetic.ItemGroups });
        double weighted = board.Entries[0].Ranking.FoldingScore!.Value, positivesOnly = board.Entries[1].Ranking.FoldingScore!.Value;
        Assert.IsGreaterThan(0.2, positivesOnly, $"positives-only folding {positivesOnly:F3}");
        Assert.IsLessThanOrEqualTo(positivesOnly / 4, weighted, $"folding w0=1 {weighted:F3} vs w0=0 {positivesOnly:F3}");
        Assert.IsGreaterThan(board.Entries[1].Ranking.Ndcg, board.Entries[0].Ranking.Ndcg);
    }
}
