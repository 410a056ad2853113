using System.Numerics.Tensors;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class FoldInTests
{
    /// <summary>
    /// Two groups (users 0–29 like items 0–19, users 30–59 like items 20–39), each user ~40 % of its group's items with
    /// strengths 1–3.
    /// </summary>
    internal static InteractionData Groups(int seed, int users = 60, int items = 40)
    {
        var random = new Random(seed);
        var (u, i, l) = (new List<int>(), new List<int>(), new List<float>());
        for (int user = 0; user < users; user++)
            for (int item = 0; item < items / 2; item++)
                if (random.NextDouble() < 0.4)
                {
                    u.Add(user);
                    i.Add(item + (user < users / 2 ? 0 : items / 2));
                    l.Add(1 + random.Next(3));
                }
        return new InteractionData(users, items, u.ToArray(), i.ToArray(), l.ToArray());
    }

    internal static MatrixFactorizationModel FitImplicit(MLContext ml, InteractionData data, int iterations = 40,
        ImplicitAlsTrainer.SolverType solver = ImplicitAlsTrainer.SolverType.Cholesky) =>
        ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            ApproximationRank = 6, NumberOfIterations = iterations, Lambda = 1, Alpha = 2, UnobservedWeight = 0.5, Gravity = 0.1,
            Solver = solver, LabelColumnName = "Label", NumberOfThreads = 1, Seed = 3,
        }).Fit(data.ToDataView(ml));

    internal static MatrixFactorizationModel FitExplicit(MLContext ml, InteractionData data, int iterations = 40) =>
        ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
        {
            ApproximationRank = 3, NumberOfIterations = iterations, Lambda = 0.05, Solver = MatrixFactorizationTrainer.SolverType.Als,
            NumberOfThreads = 1, Seed = 3,
        }).Fit(data.ToDataView(ml));

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int k = 0; k < expected.Length; k++) Assert.AreEqual(expected[k], actual[k], tolerance, $"{what}, component {k}");
    }

    [TestMethod]
    public void ImplicitFoldInOfATrainedUserReproducesItsFactors()
    {
        // At convergence the trained user row is the exact minimiser of its weighted least-squares problem given the
        // final item factors, which is what FoldInUser solves (same confidence 1 + α·r, w0, gravity, λ).
        var ml = new MLContext(1);
        var data = Groups(1);
        // ALS converges slowly along its flat directions, so the check against the trained rows is relative
        // (‖x − p_u‖ ≤ 1 % of ‖p_u‖), and exact against one more trainer user half-step at the final item factors.
        var model = FitImplicit(ml, data, iterations: 60);
        var rows = UserItemMatrix.FromInteractions(data);
        var settings = model.Settings!.ToWeightedAls(1);
        var terms = GramianTerms.Compute(model.ItemFactors.Values, model.ItemCount, model.Rank, settings);
        var halfStep = (float[])model.UserFactors.Values.Clone();
        WeightedAls.Sweep(rows, Array.ConvertAll(rows.Values, v => 1 + 2f * v), halfStep, model.ItemFactors.Values, model.Rank, terms, settings);
        for (int u = 0; u < data.UserCount; u++)
        {
            var x = model.FoldInUser(rows.ItemsOf(u), rows.ValuesOf(u));
            var p = model.UserFactors.Row(u);
            float error = TensorPrimitives.Distance<float>(p, x), norm = TensorPrimitives.Norm<float>(p);
            Assert.IsLessThanOrEqualTo(1e-2f * norm, error, $"user {u}: ‖x − p‖ = {error}, ‖p‖ = {norm}");
            AssertClose(halfStep.AsSpan(u * model.Rank, model.Rank), x, 1e-6f, $"user {u} vs the trainer's solve");
        }
        // Repeated items are summed like the trainer's sparse matrix: strength 2 given as two rows of 1.
        var items = rows.ItemsOf(0).ToArray();
        var split = items.Concat(items).ToArray();
        var halves = rows.ValuesOf(0).ToArray().Select(v => v / 2).ToArray();
        AssertClose(model.FoldInUser(items, rows.ValuesOf(0)), model.FoldInUser(split, halves.Concat(halves).ToArray()), 1e-5f, "duplicates");
    }

    [TestMethod]
    public void ImplicitFoldInOfATrainedItemReproducesItsFactors()
    {
        // The last half-step of training solves the items against the final user factors, so folding an item in from
        // its users reproduces it up to rounding, without any convergence argument.
        var ml = new MLContext(1);
        var data = Groups(2);
        var model = FitImplicit(ml, data, iterations: 5);
        var byItem = UserItemMatrix.FromInteractions(data).Transpose();
        for (int i = 0; i < data.ItemCount; i++)
            AssertClose(model.ItemFactors.Row(i), model.FoldInItem(byItem.ItemsOf(i), byItem.ValuesOf(i), out _), 1e-5f, $"item {i}");
    }

    [TestMethod]
    public void OneClassFoldInUsesTheUnobservedTarget()
    {
        // One-class MF: confidence 1 for every observed pair, unobserved pairs target C with weight Alpha.
        var ml = new MLContext(1);
        var data = Groups(3);
        var model = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
        {
            LossFunction = MatrixFactorizationTrainer.LossFunctionType.SquareLossOneClass, ApproximationRank = 4, NumberOfIterations = 5,
            Lambda = 0.5, Alpha = 0.2, C = 0.1, NumberOfThreads = 1,
        }).Fit(data.ToDataView(ml));
        Assert.AreEqual(0.1f, model.Settings!.UnobservedTarget, 1e-7f);
        var byItem = UserItemMatrix.FromInteractions(data).Transpose();
        for (int i = 0; i < data.ItemCount; i++)
            AssertClose(model.ItemFactors.Row(i), model.FoldInItem(byItem.ItemsOf(i), default, out _), 1e-5f, $"item {i}");
    }

    [TestMethod]
    public void ExplicitFoldInReproducesTrainedFactorsAndBiases()
    {
        var ml = new MLContext(1);
        var (train, _) = FactorizationTestData.LowRank(40, 30, 0.5, seed: 4);
        var model = FitExplicit(ml, train, iterations: 60);
        var rows = UserItemMatrix.FromInteractions(train);
        for (int u = 0; u < train.UserCount; u++)
        {
            var x = model.FoldInUser(rows.ItemsOf(u), rows.ValuesOf(u), out float bias);
            AssertClose(model.UserFactors.Row(u), x, 2e-3f, $"user {u}");
            Assert.AreEqual(model.UserBiases![u], bias, 2e-3f, $"user {u} bias");
        }
        var byItem = rows.Transpose();
        for (int i = 0; i < train.ItemCount; i++)
        {
            var q = model.FoldInItem(byItem.ItemsOf(i), byItem.ValuesOf(i), out float bias);
            AssertClose(model.ItemFactors.Row(i), q, 1e-4f, $"item {i}");
            Assert.AreEqual(model.ExplicitItemBiases![i], bias, 1e-4f, $"item {i} bias");
        }
    }

    [TestMethod]
    public void NoItemsGivesTheUnknownUserFallback()
    {
        var ml = new MLContext(1);
        var implicitModel = FitImplicit(ml, Groups(5), iterations: 3);
        CollectionAssert.AreEqual(new float[implicitModel.Rank], implicitModel.FoldInUser([]));
        var query = implicitModel.EmbedHistory([], []);
        Assert.IsTrue(query.IsFallback);
        // Ranked by popularity, as the scoring chain ranks an unknown user.
        var top = HistoryRecommendations.Recommend(implicitModel, [], [], k: 5).ItemsOf(0).ToArray();
        var byPopularity = Enumerable.Range(0, implicitModel.ItemCount).OrderByDescending(i => implicitModel.ItemPopularity![i]).ThenBy(i => i).Take(5).ToArray();
        CollectionAssert.AreEqual(byPopularity, top);

        var (train, _) = FactorizationTestData.LowRank(20, 15, 0.6, seed: 5);
        var explicitModel = FitExplicit(ml, train, iterations: 3);
        var x = explicitModel.FoldInUser([], [], out float bias);
        CollectionAssert.AreEqual(new float[explicitModel.Rank], x);
        Assert.AreEqual(0f, bias);
        // Zero factors and bias score μ + b_i, the unknown-user row of the scoring chain.
        var fallback = explicitModel.EmbedHistory([], []);
        for (int i = 0; i < explicitModel.ItemCount; i++)
            Assert.AreEqual(explicitModel.Score(-1, i) - explicitModel.GlobalMean, fallback.ItemTerms![i], 1e-6f);
    }

    [TestMethod]
    public void FoldedInNewUsersGetTheirGroupsItems()
    {
        // A newcomer who touched three items of group B is recommended group B items only, excluding the three.
        var ml = new MLContext(1);
        var model = FitImplicit(ml, Groups(6), iterations: 10);
        int[] history = [21, 25, 33];
        var top = HistoryRecommendations.Recommend(model, history, [], k: 8);
        var items = top.ItemsOf(0).ToArray();
        Assert.HasCount(8, items);
        foreach (int i in items)
        {
            Assert.IsGreaterThanOrEqualTo(20, i, $"recommended {string.Join(",", items)}");
            Assert.DoesNotContain(i, history);
        }
        // The score is the folded-in factors against the item factors.
        var x = model.FoldInUser(history);
        float expected = TensorPrimitives.Dot<float>(x, model.ItemFactors.Row(items[0]));
        Assert.AreEqual(expected, top.ScoresOf(0)[0], 1e-5f);
    }

    [TestMethod]
    public void BadInputsAreRejectedWithTheirPosition()
    {
        var ml = new MLContext(1);
        var model = FitImplicit(ml, Groups(7), iterations: 2);
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.FoldInUser([1, 40]));
        StringAssert.Contains(range.Message, "Position 1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.FoldInUser([1], [-1f]));
        Assert.ThrowsExactly<ArgumentException>(() => model.FoldInUser([1, 2], [1f]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.FoldInItem([60], default, out _));
        var (train, _) = FactorizationTestData.LowRank(10, 8, 0.6, seed: 7);
        var explicitModel = FitExplicit(ml, train, iterations: 2);
        var missing = Assert.ThrowsExactly<ArgumentException>(() => explicitModel.FoldInUser([1, 2]));
        StringAssert.Contains(missing.Message, "rating");
    }

    [TestMethod]
    public void PopularityPriorAddsLogPopularityAndKeepsThePersonalSignal()
    {
        var ml = new MLContext(1);
        var model = FitImplicit(ml, Groups(6), iterations: 10);
        var counts = model.ItemPopularity!;
        float max = counts.Max();
        // prior_i = w · ln(1 + n_i) / ln(1 + max n): the most popular item gets exactly w.
        var prior = model.PopularityPrior(0.5f);
        for (int i = 0; i < model.ItemCount; i++)
            Assert.AreEqual(0.5f * MathF.Log(1 + counts[i]) / MathF.Log(1 + max), prior[i], 1e-6f, $"item {i}");
        Assert.AreEqual(0.5f, prior.Max(), 1e-6f);

        int[] history = [21, 25, 33];
        var plain = model.EmbedHistory(history, []);
        var zero = model.EmbedHistory(history, [], 0);
        CollectionAssert.AreEqual(plain.Vector, zero.Vector);
        Assert.IsNull(zero.ItemTerms);

        // A moderate prior (half the best plain score) keeps the newcomer in their group B (items 20–39) ...
        var x = model.FoldInUser(history);
        float best = Enumerable.Range(0, model.ItemCount).Max(i => TensorPrimitives.Dot<float>(x, model.ItemFactors.Row(i)));
        var withPrior = model.EmbedHistory(history, [], best / 2);
        var top = HistoryRecommendations.Recommend(withPrior, model.ItemFactors, history, k: 8);
        foreach (int i in top.ItemsOf(0)) Assert.IsGreaterThanOrEqualTo(20, i, "a moderate prior must not pull in the other group");
        // ... and every score is the plain fold-in score plus the item's prior.
        var priorTerms = model.PopularityPrior(best / 2);
        int first = top.ItemsOf(0)[0];
        Assert.AreEqual(TensorPrimitives.Dot<float>(x, model.ItemFactors.Row(first)) + priorTerms[first], top.ScoresOf(0)[0], 1e-5f);
        // A prior that dominates ranks by popularity alone (history excluded).
        var dominated = HistoryRecommendations.Recommend(model.EmbedHistory(history, [], 1e6f), model.ItemFactors, history, k: 5).ItemsOf(0).ToArray();
        var byPopularity = Enumerable.Range(0, model.ItemCount).Where(i => !history.Contains(i))
            .OrderByDescending(i => counts[i]).ThenBy(i => i).Take(5).ToArray();
        CollectionAssert.AreEqual(byPopularity.Select(i => counts[i]).ToArray(), dominated.Select(i => counts[i]).ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.EmbedHistory(history, [], -1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.PopularityPrior(float.NaN));
    }
}
