using MLNetRecExtensions.Data;
using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Tests.Sampling;

[TestClass]
public sealed class NegativeSamplerTests
{
    private static long[] Histogram(INegativeSampler sampler, int user, int positive, int draws, int seed)
    {
        var rng = new Random(seed);
        var observed = new long[sampler.ItemCount];
        Span<int> negatives = stackalloc int[10];
        for (int d = 0; d < draws / 10; d++)
        {
            sampler.Sample(user, positive, negatives, rng);
            foreach (var n in negatives) observed[n]++;
        }
        return observed;
    }

    [TestMethod]
    public void RemovalNeverReturnsThePositiveAndDrawsTheRestByQ()
    {
        // Uniform over 3 items, positive 1: negatives are items 0 and 2, each with probability 1/2.
        var sampler = new NegativeSampler(ItemDistribution.Uniform(3));
        var observed = Histogram(sampler, 0, 1, 30_000, 1);
        Assert.AreEqual(0, observed[1]);
        Assert.IsLessThan(ChiSquare.Critical1Df, ChiSquare.Statistic(observed, i => i == 1 ? 0 : 0.5));
    }

    [TestMethod]
    public void WithoutRemovalThePositiveIsSometimesDrawn()
    {
        // Same catalog without removal: about 1/3 of the negatives are the positive itself.
        var sampler = new NegativeSampler(ItemDistribution.Uniform(3), removeAccidentalHits: false);
        var observed = Histogram(sampler, 0, 1, 30_000, 1);
        Assert.AreEqual(1.0 / 3, observed[1] / 30_000.0, 0.02);
    }

    [TestMethod]
    public void AnExcludedHeavyItemFallsBackToAnExactDrawOfTheRest()
    {
        // Item 0 holds Q ≈ 1 − 2e-6, so rejection nearly always fails and the exact fallback draws items 1 and 2,
        // which have equal Q: each 1/2.
        var sampler = new NegativeSampler(ItemDistribution.FromWeights([1_000_000, 1, 1]));
        var observed = Histogram(sampler, 0, 0, 2_000, 2);
        Assert.AreEqual(0, observed[0]);
        Assert.IsLessThan(ChiSquare.Critical1Df, ChiSquare.Statistic(observed, i => i == 0 ? 0 : 0.5));
    }

    [TestMethod]
    public void UserHistoryIsExcluded()
    {
        // User 0 interacted with items 0 and 2 of 5, user 1 with item 4; user 0's negatives avoid 0 and 2.
        var history = UserItemMatrix.FromInteractions(new InteractionData(2, 5, [0, 0, 1], [0, 2, 4], [1, 1, 1]));
        var sampler = new NegativeSampler(ItemDistribution.Uniform(5), true, history);
        var observed = Histogram(sampler, 0, 0, 10_000, 3);
        Assert.AreEqual(0, observed[0] + observed[2]);
        Assert.IsTrue(observed[1] > 0 && observed[3] > 0 && observed[4] > 0);
        // A user beyond the history (unknown at training) has none: only the positive is excluded.
        Assert.IsGreaterThan(0, Histogram(sampler, 7, 0, 1_000, 3)[2]);
    }

    [TestMethod]
    public void AUserWhoSawEveryItemGetsAClearError()
    {
        var history = UserItemMatrix.FromInteractions(new InteractionData(1, 3, [0, 0, 0], [0, 1, 2], [1, 1, 1]));
        var sampler = new NegativeSampler(ItemDistribution.Uniform(3), true, history);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => sampler.Sample(0, 1, new int[1], new Random(1)));
        StringAssert.Contains(ex.Message, "user 0");
        StringAssert.Contains(ex.Message, "ExcludeUserHistory");
    }

    [TestMethod]
    public void HardKeepsTheTopScoringCandidatesOfItsPool()
    {
        // The scorer scores item i as (7·i) mod 10, a permutation (item 3 scores 1, item 7 scores 9), so "hardest" is
        // not "largest id"; it records each pool so the choice can be checked against it.
        var pools = new List<int[]>();
        void Scorer(int user, ReadOnlySpan<int> candidates, Span<float> scores)
        {
            pools.Add(candidates.ToArray());
            for (int k = 0; k < candidates.Length; k++) scores[k] = candidates[k] * 7 % 10 + user * 100;
        }
        var sampler = NegativeSamplerFactory.Create(
            new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard, Alpha = 0, HardPoolSize = 6, HardScorer = Scorer },
            new double[10].Select(_ => 1.0).ToArray());
        var rng = new Random(4);
        var negatives = new int[3];
        for (int t = 0; t < 50; t++)
        {
            sampler.Sample(1, 0, negatives, rng);
            var expected = pools[^1].Select(i => i * 7 % 10).OrderDescending().Take(3).ToArray();
            CollectionAssert.AreEqual(expected, negatives.Select(i => i * 7 % 10).ToArray());
            Assert.AreEqual(6, pools[^1].Length);
            CollectionAssert.DoesNotContain(pools[^1], 0, "the pool comes from a sampler that removes accidental hits");
        }
    }

    [TestMethod]
    public void PerRowProbabilitiesSumToOneAndMatchTheStrategy()
    {
        // counts [2, 6, 0, 2] (N = 10): InBatch Q = frequency [0.2, 0.6, 0, 0.2];
        // Mixed (B = 4, S = 1, α = 0): (4·freq + 1·[0.25, 0.25, 0.25, 0.25]) / 5 = [0.21, 0.53, 0.05, 0.21].
        double[] counts = [2, 6, 0, 2];
        var inBatch = NegativeSamplerFactory.Create(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.InBatch }, counts);
        CollectionAssert.AreEqual(new[] { 0.2, 0.6, 0, 0.2 }, Enumerable.Range(0, 4).Select(inBatch.Probability).ToArray(), new Tolerance(1e-15));
        var mixed = NegativeSamplerFactory.Create(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Mixed, BatchSize = 4, SharedNegatives = 1, Alpha = 0 }, counts);
        CollectionAssert.AreEqual(new[] { 0.21, 0.53, 0.05, 0.21 }, Enumerable.Range(0, 4).Select(mixed.Probability).ToArray(), new Tolerance(1e-15));
        foreach (var strategy in new[] { NegativeSamplingStrategy.Uniform, NegativeSamplingStrategy.Popularity })
        {
            var s = NegativeSamplerFactory.Create(new NegativeSamplerOptions { Strategy = strategy }, counts);
            Assert.AreEqual(1.0, Enumerable.Range(0, 4).Sum(s.Probability), 1e-12);
        }
    }

    [TestMethod]
    public void BadOptionsNameTheOption()
    {
        double[] counts = [1, 1, 1];
        Assert.AreEqual("Alpha", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.Create(new NegativeSamplerOptions { Alpha = -0.5 }, counts)).ParamName);
        Assert.AreEqual("NegativesPerPositive", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.Create(new NegativeSamplerOptions { NegativesPerPositive = -1 }, counts)).ParamName);
        Assert.AreEqual("HardScorer", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.Create(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard }, counts)).ParamName);
        Assert.AreEqual("HardPoolSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.Create(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard, HardPoolSize = 2, HardScorer = (_, _, _) => { } }, counts)).ParamName);
        Assert.AreEqual("ExcludeUserHistory", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.Create(new NegativeSamplerOptions { ExcludeUserHistory = true }, counts)).ParamName);
        Assert.AreEqual("Strategy", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => NegativeSamplerFactory.CreateBatch(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard, HardScorer = (_, _, _) => { } }, counts)).ParamName);
    }

    [TestMethod]
    public void ACatalogOfOneItemNeedsRemovalOff()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NegativeSamplerFactory.Create(new NegativeSamplerOptions(), [5]));
        Assert.AreEqual("RemoveAccidentalHits", ex.ParamName);
        StringAssert.Contains(ex.Message, "1 item(s)");
        // Popularity over 3 items of which only one was ever seen: the same problem.
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NegativeSamplerFactory.Create(new NegativeSamplerOptions(), [0, 5, 0]));
        var lenient = NegativeSamplerFactory.Create(new NegativeSamplerOptions { RemoveAccidentalHits = false }, [5]);
        var negatives = new int[2];
        lenient.Sample(0, 0, negatives, new Random(1));
        CollectionAssert.AreEqual(new[] { 0, 0 }, negatives);
    }
}
