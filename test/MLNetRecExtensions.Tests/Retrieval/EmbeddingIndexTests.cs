using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Retrieval;

[TestClass]
public sealed class EmbeddingIndexTests
{
    // Gaussian mixture: 20 cluster centres, items = centre + small noise (the shape of learned embeddings).
    private static EmbeddingTable Mixture(Random rng, int count, int dim, int clusters = 20)
    {
        var centres = new float[clusters * dim];
        for (int i = 0; i < centres.Length; i++) centres[i] = Normal(rng);
        var v = new float[count * dim];
        for (int i = 0; i < count; i++)
        {
            int c = rng.Next(clusters);
            for (int d = 0; d < dim; d++) v[i * dim + d] = centres[c * dim + d] + 0.4f * Normal(rng);
        }
        return new EmbeddingTable(count, dim, v);
    }

    private static float Normal(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    private static float[] Biases(Random rng, int count) => Enumerable.Range(0, count).Select(_ => 0.5f * Normal(rng)).ToArray();

    private static UserItemMatrix RandomSeen(Random rng, int rows, int items, int perRow) =>
        UserItemMatrix.FromRows(items, Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, perRow).Select(_ => rng.Next(items)).ToArray()).ToArray());

    private static double Recall(TopKResult truth, TopKResult approx)
    {
        double hits = 0, total = 0;
        for (int q = 0; q < truth.QueryCount; q++)
        {
            var t = new HashSet<int>(truth.ItemsOf(q).ToArray());
            hits += approx.ItemsOf(q).ToArray().Count(t.Contains);
            total += t.Count;
        }
        return hits / total;
    }

    private static IEmbeddingIndex RoundTrip(IEmbeddingIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        stream.Position = 0;
        return EmbeddingIndex.Load(stream);
    }

    [TestMethod]
    public void ExactIndexEqualsBruteForceWithBiasesAndExclusions()
    {
        var rng = new Random(1);
        var items = Mixture(rng, 300, 24);
        var biases = Biases(rng, 300);
        var queries = Mixture(rng, 37, 24);
        var seen = RandomSeen(rng, 37, 300, 40);
        using var index = EmbeddingIndex.Build(items, biases);
        foreach (int k in new[] { 1, 10, 290 })
        {
            var expected = ExactTopK.Search(queries, items, k, new TopKOptions { ItemBiases = biases, Exclude = seen });
            var actual = index.Search(queries, k, new IndexSearchOptions { Exclude = seen, MaxDegreeOfParallelism = 1 });
            CollectionAssert.AreEqual(expected.Items, actual.Items, $"k {k}: items");
            CollectionAssert.AreEqual(expected.Scores, actual.Scores, $"k {k}: scores");
            // Brute force by hand for the first query: every unseen item's score, best k.
            var brute = Enumerable.Range(0, 300).Where(i => !seen.Contains(0, i))
                .Select(i => (Score: IndexVectors.Score(queries.Row(0), items, biases, i), Item: i))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Item).Take(k).Select(x => x.Item).ToArray();
            CollectionAssert.AreEqual(brute, actual.ItemsOf(0).ToArray(), $"k {k}: brute force, query 0");
        }
        Assert.AreEqual(-1, index.Search(queries, 290, new IndexSearchOptions { Exclude = seen }).Items[289], "fewer than k unseen items: padded");
    }

    [TestMethod]
    public void ExactCosineRanksByCosine()
    {
        var rng = new Random(2);
        var items = Mixture(rng, 200, 8);
        var queries = Mixture(rng, 5, 8);
        using var index = EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { Metric = IndexMetric.Cosine });
        var result = index.Search(queries, 5);
        for (int q = 0; q < 5; q++)
        {
            var cos = Enumerable.Range(0, 200).Select(i =>
            {
                double dot = 0, nq = 0, ni = 0;
                for (int d = 0; d < 8; d++) { dot += queries.Row(q)[d] * items.Row(i)[d]; nq += queries.Row(q)[d] * queries.Row(q)[d]; ni += items.Row(i)[d] * items.Row(i)[d]; }
                return (Cos: dot / Math.Sqrt(nq * ni), Item: i);
            }).OrderByDescending(x => x.Cos).Take(5).ToArray();
            CollectionAssert.AreEqual(cos.Select(x => x.Item).ToArray(), result.ItemsOf(q).ToArray(), $"query {q}");
            Assert.AreEqual(cos[0].Cos, result.ScoresOf(q)[0], 1e-5, "the score is the cosine");
        }
    }

    [TestMethod]
    public void HnswRecallAtLeastNinetyPercentOnSeededMixture()
    {
        var rng = new Random(3);
        var items = Mixture(rng, 3000, 16);
        var biases = Biases(rng, 3000);
        var queries = Mixture(rng, 200, 16);
        var seen = RandomSeen(rng, 200, 3000, 30);
        using var exact = EmbeddingIndex.Build(items, biases);
        using var hnsw = EmbeddingIndex.Build(items, biases, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, BuildThreads = 1, ExpansionSearch = 64 });
        var search = new IndexSearchOptions { Exclude = seen };
        var truth = exact.Search(queries, 10, search);
        var approx = hnsw.Search(queries, 10, search);
        double recall = Recall(truth, approx);
        Assert.IsGreaterThanOrEqualTo(0.9, recall, $"recall@10 {recall:F3}");
        for (int q = 0; q < 200; q++)
        {
            Assert.AreEqual(10, approx.CountOf(q), "filtered search still fills k");
            var items10 = approx.ItemsOf(q).ToArray();
            var scores10 = approx.ScoresOf(q).ToArray();
            for (int r = 0; r < 10; r++)
            {
                Assert.IsFalse(seen.Contains(q, items10[r]), $"query {q} got seen item {items10[r]}");
                Assert.AreEqual(IndexVectors.Score(queries.Row(q), items, biases, items10[r]), scores10[r], "scores are exact (bit-identical)");
                if (r > 0) Assert.IsTrue(scores10[r] <= scores10[r - 1], "best first");
            }
        }
    }

    [TestMethod]
    public void HalfAndSinglePrecisionGraphsBothReachRecallAndSaveTheirStorage()
    {
        var rng = new Random(11);
        var items = Mixture(rng, 3000, 16);
        var queries = Mixture(rng, 200, 16);
        using var exact = EmbeddingIndex.Build(items, null);
        var truth = exact.Search(queries, 20);
        foreach (var storage in new[] { GraphVectorStorage.Float16, GraphVectorStorage.Float32 })
        {
            using var hnsw = (HnswEmbeddingIndex)EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions
            {
                Kind = EmbeddingIndexKind.Hnsw, BuildThreads = 1, ExpansionSearch = 64, VectorStorage = storage,
            });
            Assert.AreEqual(storage, hnsw.VectorStorage);
            var approx = hnsw.Search(queries, 20);
            double recall = Recall(truth, approx);
            Assert.IsGreaterThanOrEqualTo(0.95, recall, $"{storage}: recall@20 {recall:F3}");
            // Scores are exact float32 whatever the graph stores.
            for (int r = 0; r < 20; r++)
                Assert.AreEqual(IndexVectors.Score(queries.Row(0), items, null, approx.ItemsOf(0)[r]), approx.ScoresOf(0)[r]);
            using var loaded = (HnswEmbeddingIndex)RoundTrip(hnsw);
            Assert.AreEqual(storage, loaded.VectorStorage);
            CollectionAssert.AreEqual(approx.Items, loaded.Search(queries, 20).Items, $"{storage}: save/load");
        }
        // Half precision cannot hold 1e5: refused with the fix, not silently turned into infinities.
        var big = new EmbeddingTable(2, 2, [1e5f, 0f, 0f, 1f]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EmbeddingIndex.Build(big, null, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, VectorStorage = GraphVectorStorage.Float16 }));
        StringAssert.Contains(e.Message, "GraphVectorStorage.Float32");
        using var single = EmbeddingIndex.Build(big, null, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw });
        Assert.AreEqual(0, single.Search(new EmbeddingTable(1, 2, [1f, 0f]), 1).ItemsOf(0)[0]);
    }

    [TestMethod]
    public void DirectGraphBeatsTheLiftedGraphOnUnclusteredVectorsAndSavesItsLayout()
    {
        // i.i.d. Gaussian items: no clusters, so the lifted graph puts every item at nearly the same distance from a
        // query, while the raw inner-product graph walks towards high-norm items, where the top scores are.
        var rng = new Random(21);
        var items = new EmbeddingTable(4000, 32, Enumerable.Range(0, 4000 * 32).Select(_ => Normal(rng)).ToArray());
        var biases = Biases(rng, 4000);
        var queries = new EmbeddingTable(200, 32, Enumerable.Range(0, 200 * 32).Select(_ => Normal(rng)).ToArray());
        var seen = RandomSeen(rng, 200, 4000, 20);
        var search = new IndexSearchOptions { Exclude = seen };
        using var exact = EmbeddingIndex.Build(items, biases);
        var truth = exact.Search(queries, 10, search);
        var recall = new Dictionary<InnerProductGraph, double>();
        foreach (var graph in new[] { InnerProductGraph.Lifted, InnerProductGraph.Direct })
        {
            using var hnsw = EmbeddingIndex.Build(items, biases, new EmbeddingIndexOptions
            {
                Kind = EmbeddingIndexKind.Hnsw, BuildThreads = 1, ExpansionSearch = 32, InnerProductGraph = graph,
            });
            var approx = hnsw.Search(queries, 10, search);
            recall[graph] = Recall(truth, approx);
            for (int r = 0; r < 10; r++)
            {
                Assert.IsFalse(seen.Contains(0, approx.ItemsOf(0)[r]), $"{graph}: seen item returned");
                Assert.AreEqual(IndexVectors.Score(queries.Row(0), items, biases, approx.ItemsOf(0)[r]), approx.ScoresOf(0)[r], $"{graph}: exact scores");
            }
            using var loaded = RoundTrip(hnsw);
            var after = loaded.Search(queries, 10, search);
            CollectionAssert.AreEqual(approx.Items, after.Items, $"{graph}: save/load keeps the graph and its query layout");
            CollectionAssert.AreEqual(approx.Scores, after.Scores, $"{graph}: save/load scores");
        }
        Assert.IsGreaterThan(recall[InnerProductGraph.Lifted] + 0.1, recall[InnerProductGraph.Direct],
            $"recall@10 direct {recall[InnerProductGraph.Direct]:F3} vs lifted {recall[InnerProductGraph.Lifted]:F3}");
        Assert.IsGreaterThanOrEqualTo(0.85, recall[InnerProductGraph.Direct], $"direct recall@10 {recall[InnerProductGraph.Direct]:F3} lifted {recall[InnerProductGraph.Lifted]:F3}");
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EmbeddingIndex.Build(items, biases,
            new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, InnerProductGraph = (InnerProductGraph)7 }));
        StringAssert.Contains(e.Message, "Lifted or Direct");
    }

    [TestMethod]
    public void HnswCosineRecall()
    {
        var rng = new Random(4);
        var items = Mixture(rng, 2000, 12);
        var queries = Mixture(rng, 100, 12);
        var options = new EmbeddingIndexOptions { Metric = IndexMetric.Cosine };
        using var exact = EmbeddingIndex.Build(items, null, options);
        options.Kind = EmbeddingIndexKind.Hnsw;
        using var hnsw = EmbeddingIndex.Build(items, null, options);
        Assert.IsGreaterThanOrEqualTo(0.9, Recall(exact.Search(queries, 10), hnsw.Search(queries, 10)));
    }

    [TestMethod]
    public void SaveLoadGivesIdenticalResults()
    {
        var rng = new Random(5);
        var items = Mixture(rng, 1500, 16);
        var biases = Biases(rng, 1500);
        var queries = Mixture(rng, 50, 16);
        var seen = RandomSeen(rng, 50, 1500, 20);
        var search = new IndexSearchOptions { Exclude = seen };
        foreach (var kind in new[] { EmbeddingIndexKind.Exact, EmbeddingIndexKind.Hnsw })
        {
            using var index = EmbeddingIndex.Build(items, biases, new EmbeddingIndexOptions { Kind = kind, ExpansionSearch = 40 });
            var before = index.Search(queries, 20, search);
            using var loaded = RoundTrip(index);
            Assert.AreEqual(kind, loaded.Kind);
            var after = loaded.Search(queries, 20, search);
            CollectionAssert.AreEqual(before.Items, after.Items, $"{kind}: items");
            CollectionAssert.AreEqual(before.Scores, after.Scores, $"{kind}: scores");
            if (loaded is HnswEmbeddingIndex h) Assert.AreEqual(40, h.ExpansionSearch, "ef is saved");

            var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-index-{kind}-{Environment.ProcessId}.bin");
            try
            {
                EmbeddingIndex.Save(index, path);
                using var fromFile = EmbeddingIndex.Load(path);
                CollectionAssert.AreEqual(before.Items, fromFile.Search(queries, 20, search).Items, $"{kind}: from file");
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [TestMethod]
    public void RecommendThroughIndexMatchesExactTopKRecommend()
    {
        var rng = new Random(6);
        var model = new TableModel(Mixture(rng, 40, 8), Mixture(rng, 500, 8), Biases(rng, 500));
        var seen = RandomSeen(rng, 40, 500, 25);
        var users = new[] { 3, 0, 39, 3 };
        using var index = EmbeddingIndex.Build(model);
        var expected = ExactTopK.Recommend(model, users, 10, seen);
        var actual = EmbeddingIndex.Recommend(index, model, users, 10, seen);
        CollectionAssert.AreEqual(expected.Items, actual.Items);
        CollectionAssert.AreEqual(expected.Scores, actual.Scores);
    }

    [TestMethod]
    public void BadInputsGiveClearErrors()
    {
        var rng = new Random(7);
        var items = Mixture(rng, 100, 8);
        var biases = Biases(rng, 100);
        var e = Assert.ThrowsExactly<ArgumentException>(() => EmbeddingIndex.Build(items, biases, new EmbeddingIndexOptions { Metric = IndexMetric.Cosine }));
        StringAssert.Contains(e.Message, "cosine");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EmbeddingIndex.Build(items, new float[3]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, Connectivity = 1 }));
        using var index = EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw });
        var wrong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => index.Search(Mixture(rng, 2, 7), 5));
        StringAssert.Contains(wrong.Message, "dimension 7");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => index.Search(Mixture(rng, 2, 8), 0));
        var junk = Assert.ThrowsExactly<InvalidDataException>(() => EmbeddingIndex.Load(new MemoryStream("not an index at all"u8.ToArray())));
        StringAssert.Contains(junk.Message, "MLRINDEX");
        using var saved = new MemoryStream();
        index.Save(saved);
        var truncated = saved.ToArray()[..(int)(saved.Length / 2)];
        Assert.ThrowsExactly<InvalidDataException>(() => EmbeddingIndex.Load(new MemoryStream(truncated)));
    }

    [TestMethod]
    public void FromRowsSortsAndMergesEachRow()
    {
        var m = UserItemMatrix.FromRows(10, [[5, 1, 5], null, [9]]);
        Assert.AreEqual(3, m.UserCount);
        CollectionAssert.AreEqual(new[] { 1, 5 }, m.ItemsOf(0).ToArray());
        Assert.AreEqual(0, m.ItemsOf(1).Length);
        CollectionAssert.AreEqual(new[] { 1f, 1f }, m.ValuesOf(0).ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => UserItemMatrix.FromRows(10, [[10]]));
    }

    private sealed class TableModel(EmbeddingTable users, EmbeddingTable items, float[] biases) : IEmbeddingModel
    {
        public string UserColumnName => "UserId";
        public string ItemColumnName => "ItemId";
        public EmbeddingTable UserEmbeddings => users;
        public EmbeddingTable ItemEmbeddings => items;
        public float[]? ItemBiases => biases;
    }
}
