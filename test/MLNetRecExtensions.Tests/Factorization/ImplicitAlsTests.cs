using System.Numerics.Tensors;
using Microsoft.ML;
using MLNetRecExtensions.Data;
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
        var data = LoadMovieLens(TestData.RequireFile("movielens-100k", "u.data"));
        var (train, test) = StratifiedSplit(data, 0.75, 42);
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.ImplicitAls().Fit(train.ToDataView(ml));
        // Binary relevance, top 10 of all items minus the user's training items; NDCG with log2 discount,
        // MAP = Σ_hits precision@rank / |relevant| (the definition behind the published BPR 0.442 / 0.133).
        var seen = UserItemMatrix.FromInteractions(train);
        var relevant = UserItemMatrix.FromInteractions(test);
        var scores = new float[model.ItemCount];
        double ndcg = 0, map = 0;
        int users = 0;
        for (int u = 0; u < relevant.UserCount; u++)
        {
            var rel = relevant.ItemsOf(u);
            if (rel.Length == 0) continue;
            users++;
            for (int i = 0; i < scores.Length; i++) scores[i] = TensorPrimitives.Dot(model.UserFactors.Row(u), model.ItemFactors.Row(i));
            foreach (var i in seen.ItemsOf(u)) scores[i] = float.NegativeInfinity;
            var top = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10).ToArray();
            double dcg = 0, idcg = 0, ap = 0;
            int hits = 0;
            for (int p = 0; p < top.Length; p++)
                if (rel.BinarySearch(top[p]) >= 0)
                {
                    hits++;
                    dcg += 1 / Math.Log2(p + 2);
                    ap += (double)hits / (p + 1);
                }
            for (int p = 0; p < Math.Min(10, rel.Length); p++) idcg += 1 / Math.Log2(p + 2);
            ndcg += dcg / idcg;
            map += ap / rel.Length;
        }
        ndcg /= users;
        map /= users;
        Assert.IsGreaterThanOrEqualTo(0.40, ndcg, $"NDCG@10 {ndcg:F4}");
        Assert.IsGreaterThanOrEqualTo(0.12, map, $"MAP@10 {map:F4}");
    }
}
