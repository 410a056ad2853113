using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class MatrixFactorizationUpdateTests
{
    /// <summary>Interactions in a grown key space (<paramref name="users"/> × <paramref name="items"/>).</summary>
    private static InteractionData Added(int users, int items, params (int User, int Item, float Label)[] rows) =>
        new(users, items, rows.Select(r => r.User).ToArray(), rows.Select(r => r.Item).ToArray(), rows.Select(r => r.Label).ToArray());

    private static InteractionData Grow(InteractionData data, int users, int items) =>
        new(users, items, data.Users, data.Items, data.Labels);

    [TestMethod]
    [DataRow(ImplicitAlsTrainer.SolverType.Cholesky)]
    [DataRow(ImplicitAlsTrainer.SolverType.ConjugateGradient)]
    public void NewUsersAndItemsLeaveUntouchedUsersExactlyAsTheyWere(ImplicitAlsTrainer.SolverType solver)
    {
        // Two new users (60, 61) and two new items (40, 41); the new users also touch existing group-B items. With
        // UpdateExistingItems = false no existing row is re-solved, so every old (user, item) score is bit-identical.
        var ml = new MLContext(1);
        var data = FoldInTests.Groups(11);
        var model = FoldInTests.FitImplicit(ml, data, iterations: 10, solver);
        Assert.AreEqual(solver == ImplicitAlsTrainer.SolverType.Cholesky, model.Settings!.UseCholesky);
        var added = Added(62, 42, (60, 25, 2), (60, 31, 1), (60, 40, 3), (61, 22, 1), (61, 41, 2), (61, 40, 1), (61, 35, 2));
        var updated = MatrixFactorizationUpdate.Update(ml, model, data, added, new MatrixFactorizationUpdateOptions { UpdateExistingItems = false });

        Assert.AreEqual(62, updated.UserCount);
        Assert.AreEqual(42, updated.ItemCount);
        for (int u = 0; u < 60; u++)
            for (int i = 0; i < 40; i++)
                Assert.AreEqual(model.Score(u, i), updated.Score(u, i), $"user {u}, item {i}");
        // Old users' top-10 among the old catalog is unchanged.
        var oldCatalog = new EmbeddingTable(40, updated.Rank, updated.ItemFactors.Values[..(40 * updated.Rank)]);
        var users = Enumerable.Range(0, 60).ToArray();
        var before = ExactTopK.Recommend(model, users, 10).Items;
        var after = ExactTopK.Search(new EmbeddingTable(60, updated.Rank, updated.UserFactors.Values[..(60 * updated.Rank)]), oldCatalog, 10).Items;
        CollectionAssert.AreEqual(before, after);
        // The new users are solved from their items: both score group-B items above group-A items on average.
        foreach (int u in new[] { 60, 61 })
        {
            double groupA = Enumerable.Range(0, 20).Average(i => updated.Score(u, i));
            double groupB = Enumerable.Range(20, 20).Average(i => updated.Score(u, i));
            Assert.IsGreaterThan(groupA + 0.1, groupB, $"user {u}: group A {groupA:F3}, group B {groupB:F3}");
        }
        // New items are solved from their (new) users: item 40 scores high for group-B users, not for group A.
        double forB = Enumerable.Range(30, 30).Average(u => updated.Score(u, 40));
        double forA = Enumerable.Range(0, 30).Average(u => updated.Score(u, 40));
        Assert.IsGreaterThan(forA, forB, $"item 40: group A users {forA:F3}, group B users {forB:F3}");
        // The model passed in is not modified.
        Assert.AreEqual(60, model.UserCount);
    }

    [TestMethod]
    public void ExplicitUpdateReSolvesChangedUsersAndKeepsTheRest()
    {
        var ml = new MLContext(1);
        var (train, test) = FactorizationTestData.LowRank(40, 30, 0.5, seed: 12);
        var model = FoldInTests.FitExplicit(ml, train, iterations: 30);
        // User 3 rates ten more (held-out) items; a new user 40 rates items from user 5's held-out ratings pattern.
        var rows = Enumerable.Range(0, test.Count).Where(r => test.Users[r] == 3).Take(10)
            .Select(r => (3, test.Items[r], test.Labels[r])).ToList();
        rows.AddRange(Enumerable.Range(0, train.Count).Where(r => train.Users[r] == 5).Select(r => (40, train.Items[r], train.Labels[r])));
        var added = Added(41, 30, [.. rows]);
        var updated = MatrixFactorizationUpdate.Update(ml, model, train, added, new MatrixFactorizationUpdateOptions { UpdateExistingItems = false });

        // Untouched users keep factors and biases bit for bit; μ is kept.
        for (int u = 0; u < 40; u++)
        {
            if (u == 3) continue;
            CollectionAssert.AreEqual(model.UserFactors.Row(u).ToArray(), updated.UserFactors.Row(u).ToArray(), $"user {u}");
            Assert.AreEqual(model.UserBiases![u], updated.UserBiases![u]);
        }
        Assert.AreEqual(model.GlobalMean, updated.GlobalMean);
        // User 40 copies user 5's ratings, so with the items fixed it is solved to user 5's factors (converged model).
        for (int k = 0; k < model.Rank; k++) Assert.AreEqual(model.UserFactors.Row(5)[k], updated.UserFactors.Row(40)[k], 1e-3f);
        // User 3's re-solve uses its previous AND new ratings: its error on the new ratings drops.
        double before = rows.Where(r => r.Item1 == 3).Average(r => Math.Abs(model.Score(3, r.Item2) - r.Item3));
        double after = rows.Where(r => r.Item1 == 3).Average(r => Math.Abs(updated.Score(3, r.Item2) - r.Item3));
        Assert.IsLessThan(before, after, $"user 3 mean |error| on its new ratings: before {before:F4}, after {after:F4}");
    }

    [TestMethod]
    public void UpdatedModelSavesAndLoadsLikeAFittedOne()
    {
        var ml = new MLContext(1);
        var data = FoldInTests.Groups(13);
        var model = FoldInTests.FitImplicit(ml, data, iterations: 5);
        var added = Added(61, 41, (60, 40, 1), (60, 21, 2), (5, 40, 1), (7, 3, 1));
        var updated = MatrixFactorizationUpdate.Update(ml, model, data, added);
        var probe = ml.Data.LoadFromEnumerable(
            Enumerable.Range(0, 61).SelectMany(u => Enumerable.Range(0, 41).Select(i => new KeyRow { UserId = (uint)u, ItemId = (uint)i })).ToArray(),
            KeyRow.Schema(61, 41));
        var before = updated.Transform(probe).GetColumn<float>("Score").ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-update-{Guid.NewGuid():N}.zip");
        try
        {
            updated.Save(ml, updated, probe.Schema, path);
            var chain = ml.Model.Load(path, out _);
            CollectionAssert.AreEqual(before, chain.Transform(probe).GetColumn<float>("Score").ToArray());
            var typed = MatrixFactorizationModel.Load(ml, path);
            Assert.AreEqual(61, typed.UserCount);
            Assert.AreEqual(41, typed.ItemCount);
            CollectionAssert.AreEqual(updated.UserFactors.Values, typed.UserFactors.Values);
            CollectionAssert.AreEqual(updated.ItemPopularity, typed.ItemPopularity);
            Assert.AreEqual(updated.Settings!.Lambda, typed.Settings!.Lambda);
            Assert.AreEqual(updated.Settings.ConfidenceSlope, typed.Settings.ConfidenceSlope);
            // The reloaded model folds in like the one in memory.
            CollectionAssert.AreEqual(updated.FoldInUser([40, 21]), typed.FoldInUser([40, 21]));
            // ... and can be updated again.
            var again = MatrixFactorizationUpdate.Update(ml, typed, Grow(new InteractionData(61, 41, [.. data.Users, .. added.Users], [.. data.Items, .. added.Items], [.. data.Labels, .. added.Labels]), 61, 41),
                Added(62, 41, (61, 40, 1)));
            Assert.AreEqual(62, again.UserCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ShrinkingKeySpacesAndBadLabelsAreRejected()
    {
        var ml = new MLContext(1);
        var data = FoldInTests.Groups(14);
        var model = FoldInTests.FitImplicit(ml, data, iterations: 2);
        var shrink = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MatrixFactorizationUpdate.Update(ml, model, data, Added(50, 40, (1, 1, 1))));
        StringAssert.Contains(shrink.Message, "only grow");
        Assert.ThrowsExactly<InvalidDataException>(() => MatrixFactorizationUpdate.Update(ml, model, data, Added(60, 40, (1, 1, -2))));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MatrixFactorizationUpdate.Update(ml, model, Grow(data, 61, 40), Added(61, 40, (1, 1, 1))));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MatrixFactorizationUpdate.Update(ml, model, data, Added(60, 40, (1, 1, 1)),
            new MatrixFactorizationUpdateOptions { NumberOfIterations = 0 }));
    }

    private sealed class KeyRow
    {
        public uint UserId { get; set; }
        public uint ItemId { get; set; }

        public static SchemaDefinition Schema(int users, int items)
        {
            var s = SchemaDefinition.Create(typeof(KeyRow));
            s[nameof(UserId)].ColumnType = new KeyDataViewType(typeof(uint), users);
            s[nameof(ItemId)].ColumnType = new KeyDataViewType(typeof(uint), items);
            return s;
        }
    }
}
