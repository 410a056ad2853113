using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Retrieval;

[TestClass]
public sealed class ExactTopKTests
{
    // Brute force: every (query, item) score as an in-order FMA chain plus bias (the documented arithmetic),
    // excluded items dropped, sorted by score descending then item ascending, first k kept.
    private static (int[] Items, float[] Scores) Reference(EmbeddingTable queries, EmbeddingTable items, int k, TopKOptions? options = null)
    {
        var outItems = Enumerable.Repeat(-1, queries.Count * k).ToArray();
        var outScores = Enumerable.Repeat(float.NaN, queries.Count * k).ToArray();
        for (int q = 0; q < queries.Count; q++)
        {
            var ranked = new List<(float Score, int Item)>();
            for (int i = 0; i < items.Count; i++)
            {
                if (options?.Exclude is { } ex && ex.Contains(options.ExcludeRows?[q] ?? q, i)) continue;
                float s = 0f;
                for (int d = 0; d < queries.Dimension; d++) s = MathF.FusedMultiplyAdd(queries.Row(q)[d], items.Row(i)[d], s);
                ranked.Add((s + (options?.ItemBiases?[i] ?? 0f), i));
            }
            var top = ranked.OrderByDescending(x => x.Score).ThenBy(x => x.Item).Take(k).ToArray();
            for (int r = 0; r < top.Length; r++) { outItems[q * k + r] = top[r].Item; outScores[q * k + r] = top[r].Score; }
        }
        return (outItems, outScores);
    }

    private static EmbeddingTable RandomTable(Random rng, int count, int dim, bool integers = false)
    {
        var v = new float[count * dim];
        for (int i = 0; i < v.Length; i++) v[i] = integers ? rng.Next(-2, 3) : (float)(rng.NextDouble() * 2 - 1);
        return new EmbeddingTable(count, dim, v);
    }

    private static UserItemMatrix RandomExclusions(Random rng, int rows, int items, double density)
    {
        var users = new List<int>();
        var its = new List<int>();
        for (int u = 0; u < rows; u++)
            for (int i = 0; i < items; i++)
                if (rng.NextDouble() < density) { users.Add(u); its.Add(i); }
        return UserItemMatrix.FromInteractions(new InteractionData(rows, items, users.ToArray(), its.ToArray(), Enumerable.Repeat(1f, users.Count).ToArray()));
    }

    private static void AssertSame((int[] Items, float[] Scores) expected, TopKResult actual, string what)
    {
        CollectionAssert.AreEqual(expected.Items, actual.Items, $"{what}: items");
        CollectionAssert.AreEqual(expected.Scores, actual.Scores, $"{what}: scores");
    }

    [TestMethod]
    public void HandExampleRanksByScoreThenLowerIndex()
    {
        // queries (1,0), (0,1); items (1,1), (2,0), (0,3), (1,0).
        // query 0 scores 1, 2, 0, 1 -> top 3 = item 1 (2), item 0 (1), item 3 (1): the tie goes to the lower index.
        // query 1 scores 1, 0, 3, 0 -> top 3 = item 2 (3), item 0 (1), item 1 (0) before item 3 (0).
        var queries = new EmbeddingTable(2, 2, [1, 0, 0, 1]);
        var items = new EmbeddingTable(4, 2, [1, 1, 2, 0, 0, 3, 1, 0]);
        var r = ExactTopK.Search(queries, items, 3);
        CollectionAssert.AreEqual(new[] { 1, 0, 3, 2, 0, 1 }, r.Items);
        CollectionAssert.AreEqual(new[] { 2f, 1f, 1f, 3f, 1f, 0f }, r.Scores);
        Assert.AreEqual(3, r.CountOf(1));
        CollectionAssert.AreEqual(new[] { 2, 0, 1 }, r.ItemsOf(1).ToArray());
    }

    [TestMethod]
    public void MatchesBruteForceOnRandomDataForSeveralK()
    {
        // 150 queries = 2 full chunks of 64 plus a partial one whose last tile has 6 queries; 203 items leave
        // 11 real lanes in the last panel; integer-valued vectors make many exact ties.
        var rng = new Random(7);
        foreach (bool integers in new[] { false, true })
        {
            var queries = RandomTable(rng, 150, 13, integers);
            var items = RandomTable(rng, 203, 13, integers);
            foreach (int k in new[] { 1, 5, 16, 203, 250 })
                AssertSame(Reference(queries, items, k), ExactTopK.Search(queries, items, k), $"k={k} integers={integers}");
        }
    }

    [TestMethod]
    public void MatchesBruteForceWithBiasesAndExclusions()
    {
        var rng = new Random(11);
        var queries = RandomTable(rng, 70, 9);
        var items = RandomTable(rng, 40, 9);
        var biases = Enumerable.Range(0, 40).Select(_ => (float)rng.NextDouble()).ToArray();
        var exclude = RandomExclusions(rng, 90, 40, 0.4);
        var rows = Enumerable.Range(0, 70).Select(q => (q * 7) % 90).ToArray();
        foreach (var options in new[]
        {
            new TopKOptions { ItemBiases = biases },
            new TopKOptions { ItemBiases = biases, Exclude = exclude },
            new TopKOptions { Exclude = exclude, ExcludeRows = rows },
        })
        {
            foreach (int k in new[] { 3, 30 })
            {
                var result = ExactTopK.Search(queries, items, k, options);
                AssertSame(Reference(queries, items, k, options), result, $"k={k}");
                for (int q = 0; q < queries.Count; q++)
                    foreach (int item in result.ItemsOf(q))
                        if (options.Exclude != null) Assert.IsFalse(options.Exclude.Contains(options.ExcludeRows?[q] ?? q, item), $"excluded item {item} returned for query {q}");
            }
        }
    }

    [TestMethod]
    public void DimensionZeroRanksByBiasesOnly()
    {
        // No vector components: score = bias. Biases 0.5, 2, 0.5, 1 -> order 1, 3, 0, 2 (0 before 2 on the tie).
        var queries = new EmbeddingTable(3, 0, []);
        var items = new EmbeddingTable(4, 0, []);
        var r = ExactTopK.Search(queries, items, 4, new TopKOptions { ItemBiases = [0.5f, 2f, 0.5f, 1f] });
        for (int q = 0; q < 3; q++)
        {
            CollectionAssert.AreEqual(new[] { 1, 3, 0, 2 }, r.ItemsOf(q).ToArray());
            CollectionAssert.AreEqual(new[] { 2f, 1f, 0.5f, 0.5f }, r.ScoresOf(q).ToArray());
        }
    }

    [TestMethod]
    public void ParallelAndSingleThreadedResultsAreIdentical()
    {
        var rng = new Random(3);
        var queries = RandomTable(rng, 300, 24);
        var items = RandomTable(rng, 500, 24);
        var exclude = RandomExclusions(rng, 300, 500, 0.05);
        var single = ExactTopK.Search(queries, items, 10, new TopKOptions { Exclude = exclude, MaxDegreeOfParallelism = 1 });
        var parallel = ExactTopK.Search(queries, items, 10, new TopKOptions { Exclude = exclude, MaxDegreeOfParallelism = 4 });
        CollectionAssert.AreEqual(single.Items, parallel.Items);
        CollectionAssert.AreEqual(single.Scores, parallel.Scores);
    }

    [TestMethod]
    public void FewerAvailableItemsThanKArePadded()
    {
        // Both queries are (1), the 3 items (1), (3), (2) -> scores 1, 3, 2, order 1, 2, 0.
        // Query 0 excludes item 1 -> [2, 0, -1, -1] (2 available, k = 4, scores NaN-padded);
        // query 1's exclusion row is empty -> [1, 2, 0, -1].
        var queries = new EmbeddingTable(2, 1, [1, 1]);
        var items = new EmbeddingTable(3, 1, [1, 3, 2]);
        var exclude = UserItemMatrix.FromInteractions(new InteractionData(2, 3, [0], [1], [1f]));
        var r = ExactTopK.Search(queries, items, 4, new TopKOptions { Exclude = exclude });
        CollectionAssert.AreEqual(new[] { 2, 0, -1, -1, 1, 2, 0, -1 }, r.Items);
        Assert.AreEqual(2, r.CountOf(0));
        Assert.AreEqual(3, r.CountOf(1));
        Assert.IsTrue(float.IsNaN(r.Scores[2]) && float.IsNaN(r.Scores[3]) && float.IsNaN(r.Scores[7]));
        CollectionAssert.AreEqual(new[] { 2f, 1f }, r.ScoresOf(0).ToArray());
        var lists = r.ToItemLists();
        CollectionAssert.AreEqual(new[] { 2, 0 }, lists[0]);
        CollectionAssert.AreEqual(new[] { 1, 2, 0 }, lists[1]);
    }

    [TestMethod]
    public void RecommendUsesTheUsersRowsBiasesAndExclusions()
    {
        // users (1,0), (0,1), (1,1); items (1,0), (0,1), (1,1); biases 0, 0, -1.5.
        // user 2 scores: 1, 1, 2 - 1.5 = 0.5 -> [0, 1, 2]; excluding its row {0} -> [1, 2].
        // user 0 scores: 1, 0, -0.5 -> [0, 1, 2]; its row {} -> [0, 1].
        var model = new FixedModel(new EmbeddingTable(3, 2, [1, 0, 0, 1, 1, 1]), new EmbeddingTable(3, 2, [1, 0, 0, 1, 1, 1]), [0f, 0f, -1.5f]);
        var train = UserItemMatrix.FromInteractions(new InteractionData(3, 3, [2], [0], [1f]));
        var r = ExactTopK.Recommend(model, [2, 0], 2, train);
        CollectionAssert.AreEqual(new[] { 1, 2, 0, 1 }, r.Items);
        CollectionAssert.AreEqual(new[] { 1f, 0.5f, 1f, 0f }, r.Scores);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExactTopK.Recommend(model, [0, 3], 2));
        StringAssert.Contains(ex.Message, "users[1] = 3");
    }

    [TestMethod]
    public void BadInputsThrowWithClearMessages()
    {
        var queries = new EmbeddingTable(2, 3, new float[6]);
        var items = new EmbeddingTable(4, 2, new float[8]);
        var items3 = new EmbeddingTable(4, 3, new float[12]);
        var kEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExactTopK.Search(queries, items3, 0));
        StringAssert.Contains(kEx.Message, "k must be at least 1");
        var dimEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExactTopK.Search(queries, items, 1));
        StringAssert.Contains(dimEx.Message, "query vectors have dimension 3 but the item vectors have dimension 2");
        var biasEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExactTopK.Search(queries, items3, 1, new TopKOptions { ItemBiases = [1f] }));
        StringAssert.Contains(biasEx.Message, "ItemBiases has 1 entries but the item table has 4 items");
        var exclude = UserItemMatrix.FromInteractions(new InteractionData(1, 4, [0], [0], [1f]));
        var rowsEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExactTopK.Search(queries, items3, 1, new TopKOptions { Exclude = exclude }));
        StringAssert.Contains(rowsEx.Message, "Exclude has 1 rows but there are 2 queries");
        var rowEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ExactTopK.Search(queries, items3, 1, new TopKOptions { Exclude = exclude, ExcludeRows = [0, 5] }));
        StringAssert.Contains(rowEx.Message, "ExcludeRows[1] = 5");
        var nanItems = new EmbeddingTable(4, 3, [0, 0, 0, 0, 0, 0, float.NaN, 0, 0, 0, 0, 0]);
        var nanEx = Assert.ThrowsExactly<InvalidDataException>(() => ExactTopK.Search(queries, nanItems, 1));
        StringAssert.Contains(nanEx.Message, "item 2 is NaN");
    }

    private sealed class FixedModel(EmbeddingTable users, EmbeddingTable items, float[]? biases) : IEmbeddingModel
    {
        public string UserColumnName => "UserId";
        public string ItemColumnName => "ItemId";
        public EmbeddingTable UserEmbeddings => users;
        public EmbeddingTable ItemEmbeddings => items;
        public float[]? ItemBiases => biases;
    }
}
