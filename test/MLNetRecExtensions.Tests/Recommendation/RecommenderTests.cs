using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Tests.TwoStage;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.Recommendation;

[TestClass]
public sealed class RecommenderTests
{
    private static ImplicitAlsTrainer SmallAls(MLContext ml) => ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
    {
        ApproximationRank = 8, NumberOfIterations = 8, Lambda = 0.5, NumberOfThreads = 1, Seed = 1,
    });

    [TestMethod]
    public void PopularityRecommendsTheMostPopularUnseenItemsInOriginalIds()
    {
        // 3 users, 4 items. Popularity (distinct users): a 3, b 2, c 1, d 0.
        var data = new InteractionData(3, 4, [0, 1, 2, 0, 1, 2], [0, 0, 0, 1, 1, 2], [1, 1, 1, 1, 1, 1],
            userIds: ["ann", "bob", "cy"], itemIds: ["a", "b", "c", "d"]);
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
        var recommender = Recommender.Create(ml, model, data);

        var bob = recommender.Recommend("bob", 3);
        Assert.IsFalse(bob.IsColdStart);
        // bob saw a and b; unseen c (1) then d (0).
        CollectionAssert.AreEqual(new[] { "c", "d" }, bob.Items.Select(i => i.Item).ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 0f }, bob.Items.Select(i => i.Score).ToArray());

        var withSeen = recommender.Recommend("bob", 3, excludeSeen: false);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, withSeen.Items.Select(i => i.Item).ToArray());

        var stranger = recommender.Recommend("zoe", 2);
        Assert.IsTrue(stranger.IsColdStart);
        CollectionAssert.AreEqual(new[] { "a", "b" }, stranger.Items.Select(i => i.Item).ToArray());
        CollectionAssert.AreEqual(new[] { 3f, 2f }, stranger.Items.Select(i => i.Score).ToArray());
    }

    [TestMethod]
    public void EmbeddingRecommendationsMatchExactTopKAndBatchMatchesSingleCalls()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = SmallAls(ml).Fit(data.ToDataView(ml));
        var recommender = Recommender.Create(ml, model, data);
        Assert.IsInstanceOfType<EmbeddingRecommender<string, string>>(recommender);

        var expected = ExactTopK.Recommend(model, [5, 6], 10, UserItemMatrix.FromInteractions(data));
        var batch = recommender.RecommendBatch(["user-5", "user-6", "nobody", "user-5"], 10);
        Assert.HasCount(4, batch);
        for (int q = 0; q < 2; q++)
        {
            CollectionAssert.AreEqual(expected.ItemsOf(q).ToArray().Select(i => $"item-{i}").ToArray(), batch[q].Items.Select(i => i.Item).ToArray());
            CollectionAssert.AreEqual(expected.ScoresOf(q).ToArray(), batch[q].Items.Select(i => i.Score).ToArray());
            CollectionAssert.AreEqual(batch[q].Items.ToArray(), recommender.Recommend(batch[q].User, 10).Items.ToArray());
        }
        Assert.IsTrue(batch[2].IsColdStart);
        CollectionAssert.AreEqual(batch[0].Items.ToArray(), batch[3].Items.ToArray());
        // The structure is learned: user-5's group (1) has 15 items, 8 seen, so its 7 unseen ones come first.
        Assert.IsTrue(batch[0].Items.Take(7).All(i => GroupOf(i.Item) == GroupOf("user-5")), string.Join(", ", batch[0].Items));
        var seen = data.Items.Where((_, r) => data.Users[r] == 5).Select(i => $"item-{i}").ToHashSet();
        Assert.IsFalse(batch[0].Items.Any(i => seen.Contains(i.Item)), "seen items are excluded");
    }

    [TestMethod]
    public void IntegerIdsFromAnMLNetPipelineComeBackAsIntegers()
    {
        var data = Groups();
        var rows = Enumerable.Range(0, data.Count).Select(r => new RawRow { User = 1000 + data.Users[r], Item = 50 + data.Items[r] }).ToArray();
        var ml = new MLContext(1);
        var raw = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(InteractionColumns.User, nameof(RawRow.User))
            .Append(ml.Transforms.Conversion.MapValueToKey(InteractionColumns.Item, nameof(RawRow.Item)))
            .Append(SmallAls(ml));
        var model = pipeline.Fit(raw);

        var recommender = Recommender.Create<int, int>(ml, model, raw);
        Assert.AreEqual(80, recommender.Users.Count);
        Assert.IsTrue(recommender.Users.Contains(1005));
        var recs = recommender.Recommend(1005, 5);
        Assert.HasCount(5, recs.Items);
        Assert.IsTrue(recs.Items.All(i => i.Item >= 50 && i.Item < 110));
        Assert.IsGreaterThanOrEqualTo(4, recs.Items.Count(i => (i.Item - 50) % 4 == 1), "user 1005 is in group 1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Recommender.Create<long, int>(ml, model, raw));
    }

    [TestMethod]
    public void SimilarItemsAreTheCosineNeighboursWithoutTheItemItself()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = SmallAls(ml).Fit(data.ToDataView(ml));
        var recommender = (ISimilarItems<string>)Recommender.Create(ml, model, data);

        var similar = recommender.SimilarItems("item-9", 5);
        var q = model.ItemFactors;
        double Cos(int a, int b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int d = 0; d < q.Dimension; d++) { dot += q.Row(a)[d] * q.Row(b)[d]; na += q.Row(a)[d] * q.Row(a)[d]; nb += q.Row(b)[d] * q.Row(b)[d]; }
            return dot / Math.Sqrt(na * nb);
        }
        var expected = Enumerable.Range(0, q.Count).Where(i => i != 9).OrderByDescending(i => Cos(9, i)).Take(5).ToArray();
        CollectionAssert.AreEqual(expected.Select(i => $"item-{i}").ToArray(), similar.Select(s => s.Item).ToArray());
        for (int r = 0; r < 5; r++) Assert.AreEqual(Cos(9, expected[r]), similar[r].Score, 1e-5);
        Assert.ThrowsExactly<KeyNotFoundException>(() => recommender.SimilarItems("item-999", 5));
    }

    [TestMethod]
    public void ScoreOnlyPathAgreesWithTheEmbeddingPath()
    {
        var data = Groups(users: 20, items: 16, perUser: 3);
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
        var (users, items) = Recommender.Mappings<string, string>(data);
        var seen = UserItemMatrix.FromInteractions(data);
        var byScores = new ScoringRecommender<string, string>(ml, model, users, items, seen, new RecommenderOptions { PairScoringBatchUsers = 3 });
        var byEmbeddings = new EmbeddingRecommender<string, string>(model, users, items, seen);
        string[] who = ["user-0", "user-7", "user-19", "ghost"];
        foreach (bool excludeSeen in new[] { true, false })
        {
            var a = byScores.RecommendBatch(who, 6, excludeSeen);
            var b = byEmbeddings.RecommendBatch(who, 6, excludeSeen);
            for (int q = 0; q < who.Length; q++)
            {
                CollectionAssert.AreEqual(b[q].Items.ToArray(), a[q].Items.ToArray(), $"{who[q]}, excludeSeen {excludeSeen}");
                Assert.AreEqual(b[q].IsColdStart, a[q].IsColdStart);
            }
        }
    }

    [TestMethod]
    public void TwoStageAnswersInOriginalIdsWithTheRankersScores()
    {
        var data = TwoStageTestData.HiddenGenre(users: 40, items: 48, perUser: 12);
        data = new InteractionData(data.UserCount, data.ItemCount, data.Users, data.Items, data.Labels,
            userIds: Enumerable.Range(0, data.UserCount).Select(u => $"u{u}").ToArray(),
            itemIds: Enumerable.Range(0, data.ItemCount).Select(i => $"i{i}").ToArray());
        var ml = new MLContext(1);
        var model = new TwoStageRecommender(ml, SmallAls(ml), TwoStageTestData.CopyCandidateScore(ml, PairFeatureBuilder.CoreFeatureCount),
            new TwoStageOptions { CandidateCount = 12, K = 5 }).Fit(data);
        var recommender = Recommender.Create<string, string>(model, data);

        var direct = model.Recommend([3, 4], 5);
        var recs = recommender.RecommendBatch(["u3", "u4"], 5);
        for (int q = 0; q < 2; q++)
        {
            CollectionAssert.AreEqual(direct.Reranked[q].Select(i => $"i{i}").ToArray(), recs[q].Items.Select(i => i.Item).ToArray());
            CollectionAssert.AreEqual(direct.RerankedScores[q], recs[q].Items.Select(i => i.Score).ToArray());
            for (int r = 1; r < recs[q].Items.Count; r++) Assert.IsGreaterThanOrEqualTo(recs[q].Items[r].Score, recs[q].Items[r - 1].Score);
        }
        Assert.HasCount(12, recommender.Recommend("u3", 50).Items, "at most N = 12 candidates");
        Assert.ThrowsExactly<NotSupportedException>(() => recommender.Recommend("u3", 5, excludeSeen: false));
    }

    [TestMethod]
    public void RecommendForVectorWithTheUsersOwnEmbeddingEqualsRecommend()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = SmallAls(ml).Fit(data.ToDataView(ml));
        var recommender = (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data);
        var seen = data.Items.Where((_, r) => data.Users[r] == 12).Select(i => $"item-{i}").ToArray();

        var folded = recommender.RecommendForVector(model.UserFactors.Row(12), 7, seen.Append("not-an-item"));
        CollectionAssert.AreEqual(recommender.Recommend("user-12", 7).Items.ToArray(), folded.ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => recommender.RecommendForVector(new float[3], 7));
    }

    [TestMethod]
    public void ThePluggedIndexFactoryServesTheSearches()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = SmallAls(ml).Fit(data.ToDataView(ml));
        var factory = new CountingFactory();
        var recommender = Recommender.Create(ml, model, data, new RecommenderOptions { IndexFactory = factory });
        var exact = Recommender.Create(ml, model, data);

        CollectionAssert.AreEqual(exact.Recommend("user-3", 4).Items.ToArray(), recommender.Recommend("user-3", 4).Items.ToArray());
        ((ISimilarItems<string>)recommender).SimilarItems("item-3", 4);
        Assert.AreEqual(2, factory.Builds, "one index for the recommendations, one (normalized) for similar items");
        Assert.AreEqual(2, factory.Searches);
    }

    [TestMethod]
    public void BadArgumentsAreRejectedUpFront()
    {
        var data = Groups(users: 8, items: 8, perUser: 2);
        var ml = new MLContext(1);
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
        var recommender = Recommender.Create(ml, popularity, data);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => recommender.Recommend("user-1", 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => recommender.ColdStartItems(0));
        Assert.ThrowsExactly<NotSupportedException>(() => ((ISimilarItems<string>)recommender).SimilarItems("item-1", 3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new IdMapping<string>(["a", "b", "a"]));
        StringAssert.Contains(e.Message, "'a'");
        var noIds = new InteractionData(2, 2, [0, 1], [0, 1], [1, 1]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Recommender.Create(ml, popularity, noIds));
        var bad = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => IdMapping.FromStrings<int>(["1", "x"]));
        StringAssert.Contains(bad.Message, "'x'");
    }

    [TestMethod]
    public void MatrixFactorizationShortOverloadReadsTheStandardColumns()
    {
        var data = Groups(users: 12, items: 12, perUser: 3);
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.MatrixFactorization().Fit(data.ToDataView(ml));
        Assert.AreEqual(InteractionColumns.User, model.UserColumnName);
        Assert.AreEqual(InteractionColumns.Item, model.ItemColumnName);
        Assert.HasCount(3, Recommender.Create(ml, model, data).Recommend("user-0", 3).Items);
    }

    private sealed class RawRow
    {
        public int User { get; set; }
        public int Item { get; set; }
    }

    private sealed class CountingFactory : IItemIndexFactory
    {
        public int Builds;
        public int Searches;

        public IItemIndex Build(EmbeddingTable items, float[]? itemBiases)
        {
            Builds++;
            return new Counting(new ExactItemIndex(items, itemBiases), this);
        }

        private sealed class Counting(IItemIndex inner, CountingFactory owner) : IItemIndex
        {
            public int ItemCount => inner.ItemCount;
            public int Dimension => inner.Dimension;
            public TopKResult Search(EmbeddingTable queries, int k, UserItemMatrix? exclude = null, int[]? excludeRows = null)
            {
                owner.Searches++;
                return inner.Search(queries, k, exclude, excludeRows);
            }
        }
    }
}
