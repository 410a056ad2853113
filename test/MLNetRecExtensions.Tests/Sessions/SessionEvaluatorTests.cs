using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class SessionEvaluatorTests
{
    [TestMethod]
    public void RankIsConservativeOnTies()
    {
        // Target score 2 ties with one other item and is beaten by one: rank = #(scores ≥ 2) = 3.
        Assert.AreEqual(3, SessionEvaluator.Rank([1f, 2f, 5f, 2f, 0f], 1));
        // A constant scorer puts every target last.
        Assert.AreEqual(4, SessionEvaluator.Rank([1f, 1f, 1f, 1f], 2));
        Assert.AreEqual(3, SessionEvaluator.Rank([float.NaN, 0f, 1f], 0));
        // Longer than a SIMD vector, target the unique maximum.
        var scores = Enumerable.Range(0, 37).Select(i => (float)i).ToArray();
        Assert.AreEqual(1, SessionEvaluator.Rank(scores, 36));
        Assert.AreEqual(37, SessionEvaluator.Rank(scores, 0));
    }

    [TestMethod]
    public void BaselinesScoreAsDefinedOnAHandMadeLog()
    {
        // Train: sessions [0, 1], [0, 1], [2, 1], [3, 0]. Popularity: item 1 ×3, item 0 ×3, 2 ×1, 3 ×1.
        var train = SessionData.Create([0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 0, 1, 2, 1, 3, 0], [1, 2, 3, 4, 5, 6, 7, 8], 4);
        // Test: one session [2, 3]: the target 3 after 2.
        var test = SessionData.Create([0, 0], [2, 3], [1, 2], 4);
        // POP: items 0 and 1 (count 3) and 3 tie with 2 (count 1) → rank of 3 = #(count ≥ 1) = 4.
        Assert.AreEqual(0.0, SessionEvaluator.Evaluate(new MostPopularRecommender(train), test).Recall(1));
        // S-POP: item 2 (in the session) first, then popularity: 3 has rank 4 (behind 2, 0, 1) → MRR@5 = 0.25.
        Assert.AreEqual(0.25, SessionEvaluator.Evaluate(new SessionPopularityRecommender(train), test).Mrr(5), 1e-12);
        // Item-kNN: 2 co-occurs only with 1 → 1 first, then popularity: 0 (3), then 2 and 3 tie (1) → rank 4.
        var knn = new ItemKnnRecommender(train);
        Assert.AreEqual(1f / (20f + MathF.Sqrt(1 * 3)), knn.Similarity(2, 1), 1e-7f);
        Assert.AreEqual(0f, knn.Similarity(2, 3));
        Assert.AreEqual(0.25, SessionEvaluator.Evaluate(knn, test).Mrr(5), 1e-12);
    }

    [TestMethod]
    public void CatalogMismatchIsRejected()
    {
        var train = SessionData.Create([0, 0], [0, 1], [1, 2], 2);
        var test = SessionData.Create([0, 0], [0, 1], [1, 2], 3);
        var e = Assert.Throws<ArgumentException>(() => SessionEvaluator.Evaluate(new MostPopularRecommender(train), test));
        StringAssert.Contains(e.Message, "MapItems");
    }
}
