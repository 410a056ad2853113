using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

[TestClass]
public sealed class TwoTowerFoldInTests
{
    private static TwoTowerOptions Options(int epochs) => new() { EmbeddingDimension = 8, NumberOfEpochs = epochs, BatchSize = 32, LearningRate = 0.02f, Seed = 5 };

    private static InteractionData Grow(InteractionData data, int users, int items) => new(users, items, data.Users, data.Items, data.Labels);

    [TestMethod]
    public void HistoryEmbeddingIsTheUserTowerOnTheItemsAndRanksTheirGroup()
    {
        var ml = new MLContext(1);
        var data = TwoTowerTestData.TwoGroups();
        var model = ml.Recommenders().Trainers.TwoTower(Options(15)).Fit(data.ToDataView(ml));
        int[] history = [21, 24, 30];
        var query = model.EmbedHistory(history, []);
        Assert.IsFalse(query.IsFallback);
        CollectionAssert.AreEqual(model.ComputeUserEmbedding(new TwoTowerUserFeatures { History = history }), query.Vector);
        var top = HistoryRecommendations.Recommend(model, history, [], k: 5).ItemsOf(0).ToArray();
        Assert.HasCount(5, top);
        foreach (int i in top)
        {
            Assert.IsGreaterThanOrEqualTo(20, i, $"recommended {string.Join(",", top)} for a group-B history");
            Assert.DoesNotContain(i, history);
        }
        // No items: the documented fallback embedding.
        var empty = model.EmbedHistory([], []);
        Assert.IsTrue(empty.IsFallback);
        CollectionAssert.AreEqual(model.FallbackUserEmbedding, empty.Vector);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.EmbedHistory([40], []));
        Assert.ThrowsExactly<ArgumentException>(() => model.EmbedHistory([1, 2], [1f]));
    }

    [TestMethod]
    public void UpdateGrowsTheKeySpacesTrainsOnTheNewRowsAndSavesLikeAFittedModel()
    {
        var ml = new MLContext(1);
        var data = TwoTowerTestData.TwoGroups();
        var model = ml.Recommenders().Trainers.TwoTower(Options(15)).Fit(data.ToDataView(ml));
        // Four new users (60–63) in group B, and a new item 40 that group-B users (old 45–49 and the new ones) take up.
        var (u, i) = (new List<int>(), new List<int>());
        for (int user = 60; user < 64; user++)
            foreach (int item in new[] { 20, 21, 22, 23, 25, 40 }) { u.Add(user); i.Add(item); }
        for (int user = 45; user < 50; user++) { u.Add(user); i.Add(40); }
        var added = new InteractionData(64, 41, [.. u], [.. i], Enumerable.Repeat(1f, u.Count).ToArray());
        var all = new InteractionData(64, 41, [.. data.Users, .. added.Users], [.. data.Items, .. added.Items], [.. data.Labels, .. added.Labels]);
        var updated = model.Update(ml, all.ToDataView(ml), added.ToDataView(ml), epochs: 10);

        Assert.AreEqual(64, updated.UserEmbeddings.Count);
        Assert.AreEqual(41, updated.ItemEmbeddings.Count);
        Assert.AreEqual(60, model.UserEmbeddings.Count, "the original model is not modified");
        // The new users are known now and prefer group B (and the new item) over group A.
        foreach (int user in new[] { 60, 63 })
        {
            var top = ExactTopK.Recommend(updated, [user], 5).ItemsOf(0).ToArray();
            foreach (int item in top) Assert.IsGreaterThanOrEqualTo(20, item, $"user {user}: {string.Join(",", top)}");
        }
        // Old users keep their taste: group-A users still get group-A items.
        var groupA = ExactTopK.Recommend(updated, [0, 5, 10], 5);
        for (int q = 0; q < 3; q++)
            foreach (int item in groupA.ItemsOf(q)) Assert.IsLessThan(20, item, $"group-A query {q}: {string.Join(",", groupA.ItemsOf(q).ToArray())}");

        // Saves and loads like a fitted model: identical scores for every (user, item) key pair.
        var probe = KeyPairs(ml, 64, 41);
        var before = updated.Transform(probe).GetColumn<float>("Score").ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-tt-update-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(updated, probe.Schema, path);
            var loaded = ml.Model.Load(path, out _);
            CollectionAssert.AreEqual(before, loaded.Transform(probe).GetColumn<float>("Score").ToArray());
        }
        finally
        {
            File.Delete(path);
        }
        // Key spaces may not shrink.
        var fewer = Grow(data.Subset(Enumerable.Range(0, data.Count).Where(r => data.Users[r] < 50).ToArray()), 50, 40).ToDataView(ml);
        var shrink = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Update(ml, fewer, fewer));
        StringAssert.Contains(shrink.Message, "only grow");
    }

    private sealed class KeyRow
    {
        public uint UserId { get; set; }
        public uint ItemId { get; set; }
    }

    // Every (user, item) pair as 0-based key rows of the given cardinalities.
    private static IDataView KeyPairs(MLContext ml, int users, int items)
    {
        var schema = SchemaDefinition.Create(typeof(KeyRow));
        schema[nameof(KeyRow.UserId)].ColumnType = new KeyDataViewType(typeof(uint), users);
        schema[nameof(KeyRow.ItemId)].ColumnType = new KeyDataViewType(typeof(uint), items);
        var rows = Enumerable.Range(0, users).SelectMany(u => Enumerable.Range(0, items).Select(i => new KeyRow { UserId = (uint)u, ItemId = (uint)i })).ToArray();
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
