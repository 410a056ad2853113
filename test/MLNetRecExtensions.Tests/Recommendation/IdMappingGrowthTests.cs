using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.Recommendation;

[TestClass]
public sealed class IdMappingGrowthTests
{
    public sealed class Pair
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
    }

    [TestMethod]
    public void UpdatedModelsServeOldAndNewIdsThroughTheGrownKeyMapping()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 8, Lambda = 1, NumberOfIterations = 8, NumberOfThreads = 1 })
            .Fit(data.ToDataView(ml));
        var (users, items) = Recommender.Mappings<string, string>(data);
        var (grownUsers, grownItems, added) = IdMappingGrowth.Append(users, items,
            [("user-new", "item-2", 1), ("user-new", "item-new", 1), ("user-new", "item-6", 1), ("user-6", "item-new", 1), ("user-new", "item-10", 1)]);

        // Existing ids keep their index; new ids are appended once each.
        Assert.AreEqual(users.Count + 1, grownUsers.Count);
        Assert.AreEqual(items.Count + 1, grownItems.Count);
        for (int u = 0; u < users.Count; u++) Assert.AreEqual(users[u], grownUsers[u]);
        Assert.AreEqual("user-new", grownUsers[users.Count]);
        Assert.AreEqual("item-new", grownItems[items.Count]);

        var updated = MatrixFactorizationUpdate.Update(ml, model, data, added);
        // A pipeline mapping original ids with the grown mappings scores old and new ids with the updated rows.
        var pairs = new[] { new Pair { User = "user-3", Item = "item-7" }, new Pair { User = "user-new", Item = "item-new" }, new Pair { User = "user-new", Item = "item-14" } };
        var view = ml.Data.LoadFromEnumerable(pairs);
        var pipeline = grownUsers.MapValueToKey(ml, "UserId", "User").Append(grownItems.MapValueToKey(ml, "ItemId", "Item")).Fit(view).Append(updated);
        var scores = pipeline.Transform(view).GetColumn<float>("Score").ToArray();
        for (int p = 0; p < pairs.Length; p++)
        {
            grownUsers.TryGetIndex(pairs[p].User, out int u);
            grownItems.TryGetIndex(pairs[p].Item, out int i);
            Assert.AreEqual(updated.Score(u, i), scores[p], $"pair {p}");
        }
        // The recommend API over all interactions knows the new user, who gets group-2 items (item i is in group i mod 4).
        var all = new InteractionData(grownUsers.Count, grownItems.Count, [.. data.Users, .. added.Users], [.. data.Items, .. added.Items],
            [.. data.Labels, .. added.Labels], null, [.. grownUsers.Ids], [.. grownItems.Ids]);
        var recommendations = Recommender.Create(ml, updated, all).Recommend("user-new", 4);
        Assert.IsFalse(recommendations.IsColdStart);
        foreach (var item in recommendations.Items.Where(s => s.Item != "item-new"))
            Assert.AreEqual(2, GroupOf(item.Item), string.Join(",", recommendations.Items.Select(s => s.Item)));
    }
}
