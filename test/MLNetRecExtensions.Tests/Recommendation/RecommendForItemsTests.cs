using Microsoft.ML;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.Recommendation;

[TestClass]
public sealed class RecommendForItemsTests
{
    [TestMethod]
    public void RecentItemsAreFoldedInAndAnsweredInOriginalIds()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 8, Lambda = 1, NumberOfIterations = 8, NumberOfThreads = 1 })
            .Fit(data.ToDataView(ml));
        var recommender = (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data);

        // Three group-2 items (item i is in group i mod 4) and an id the model never saw, which is ignored.
        string[] recent = ["item-2", "item-6", "item-10", "not-an-item"];
        var result = recommender.RecommendForItems(recent, 6);
        Assert.IsFalse(result.IsColdStart);
        Assert.HasCount(6, result.Items);
        foreach (var item in result.Items)
        {
            Assert.AreEqual(2, GroupOf(item.Item), $"recommended {string.Join(",", result.Items.Select(s => s.Item))}");
            Assert.DoesNotContain(item.Item, recent);
        }
        // The same as the index-level call on the folded-in user.
        var direct = HistoryRecommendations.Recommend(model, [2, 6, 10], [], 6);
        CollectionAssert.AreEqual(direct.ItemsOf(0).ToArray().Select(i => $"item-{i}").ToArray(), result.Items.Select(s => s.Item).ToArray());

        // Nothing known: the recommender's cold-start list, flagged.
        var cold = recommender.RecommendForItems(["nope"], 5);
        Assert.IsTrue(cold.IsColdStart);
        CollectionAssert.AreEqual(recommender.ColdStartItems(5).ToArray(), cold.Items.ToArray());
        Assert.IsTrue(recommender.RecommendForItems([], 5).IsColdStart);
        Assert.ThrowsExactly<ArgumentException>(() => recommender.RecommendForItems(["item-2"], 5, [1f, 2f]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => recommender.RecommendForItems(["item-2"], 0));
    }
}
