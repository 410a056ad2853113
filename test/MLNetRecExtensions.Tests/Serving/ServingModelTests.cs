using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;

namespace MLNetRecExtensions.Tests.Serving;

[TestClass]
public sealed class ServingModelTests
{
    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"mlnetrec-bundle-{Guid.NewGuid():N}.zip");

    [TestMethod]
    public void SaveLoadRoundTripGivesIdenticalRecommendationsForBothIndexKinds()
    {
        var model = ServingTestData.Model;
        var path = TempFile();
        try
        {
            // One build thread: the graph is then the same on every build, so a fresh build equals the saved one.
            var hnsw = new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, BuildThreads = 1 };
            model.Save(path, hnsw);
            var loaded = ServingModel.Load(path);
            Assert.AreEqual(model.ModelId, loaded.ModelId);
            CollectionAssert.AreEqual(model.UserEmbeddings.Values, loaded.UserEmbeddings.Values);
            CollectionAssert.AreEqual(model.ItemEmbeddings.Values, loaded.ItemEmbeddings.Values);
            CollectionAssert.AreEqual(model.Seen.ItemIndices, loaded.Seen.ItemIndices);
            Assert.IsNotNull(loaded.SavedIndex, "the HNSW index is stored in the bundle");
            var users = new[] { "user-0", "user-7", "user-42", "stranger" };
            foreach (var kind in new[] { EmbeddingIndexKind.Exact, EmbeddingIndexKind.Hnsw })
            {
                var before = model.CreateRecommender(kind, hnsw).RecommendBatch(users, 10);
                var after = loaded.CreateRecommender(kind).RecommendBatch(users, 10);
                for (int q = 0; q < users.Length; q++)
                    CollectionAssert.AreEqual(before[q].Items.ToArray(), after[q].Items.ToArray(), $"{kind}, {users[q]}");
            }
            // The saved graph is used as it is (not rebuilt): same object handed to the recommender.
            Assert.AreSame(loaded.SavedIndex, loaded.CreateRecommender(EmbeddingIndexKind.Hnsw).Index);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void HnswRecommenderAgreesWithExactOnTheSmallModel()
    {
        var model = ServingTestData.Model;
        var exact = model.CreateRecommender(EmbeddingIndexKind.Exact);
        var hnsw = model.CreateRecommender(EmbeddingIndexKind.Hnsw);
        var users = model.Users.Ids.Take(60).ToArray();
        var a = exact.RecommendBatch(users, 10);
        var b = hnsw.RecommendBatch(users, 10);
        double hits = 0;
        for (int q = 0; q < users.Length; q++)
            hits += b[q].Items.Select(i => i.Item).Intersect(a[q].Items.Select(i => i.Item)).Count();
        Assert.IsGreaterThanOrEqualTo(0.95, hits / (10.0 * users.Length), "recall@10 of HNSW vs exact on 400 items");
        var seen = model.Seen;
        for (int q = 0; q < users.Length; q++)
            foreach (var item in b[q].Items)
                Assert.IsFalse(seen.Contains(q, model.Items.TryGetIndex(item.Item, out int i) ? i : -1), "seen items are excluded");
    }

    [TestMethod]
    public void LoadRejectsFilesThatAreNotBundlesWithTheFileName()
    {
        var path = TempFile();
        try
        {
            File.WriteAllText(path, "not a zip");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ServingModel.Load(path));
            StringAssert.Contains(e.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.ThrowsExactly<FileNotFoundException>(() => ServingModel.Load(path));
        Assert.ThrowsExactly<ArgumentException>(() => ServingTestData.Fit("bad id with spaces"));
    }
}
