using MLNetRecExtensions.Data;
using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Tests.Sampling;

[TestClass]
public sealed class BatchCandidateSamplerTests
{
    // 10 items; counts: item 0: 2, item 5: 4, item 7: 3, item 8: 1 (N = 10) → frequency 0.2, 0.4, 0.3, 0.1.
    private static readonly double[] Counts = [2, 0, 0, 0, 0, 4, 0, 3, 1, 0];
    private static readonly int[] Users = [0, 1, 2, 3];
    private static readonly int[] Items = [5, 5, 7, 8];

    // User 2 interacted with items 7 and 8.
    private static UserItemMatrix History() =>
        UserItemMatrix.FromInteractions(new InteractionData(4, 10, [2, 2], [7, 8], [1, 1]));

    [TestMethod]
    public void InBatchMasksAccidentalHitsAndHistoryAndCorrectsByFrequency()
    {
        var sampler = NegativeSamplerFactory.CreateBatch(
            new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.InBatch, ExcludeUserHistory = true }, Counts, History());
        var batch = new CandidateBatch();
        sampler.Sample(Users, Items, new Random(1), batch);

        Assert.AreEqual(4, batch.CandidateCount);
        CollectionAssert.AreEqual(Items, batch.Candidates.ToArray());
        CollectionAssert.AreEqual(new[] { MathF.Log(0.4f), MathF.Log(0.4f), MathF.Log(0.3f), MathF.Log(0.1f) }, batch.LogQ.ToArray(), new FloatTolerance(1e-6f));
        // Rows 0 and 1 share item 5 (accidental hits of each other); row 2's user saw item 8 (candidate 3).
        bool[,] expected =
        {
            { false, true, false, false },
            { true, false, false, false },
            { false, false, false, true },
            { false, false, false, false },
        };
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.AreEqual(expected[r, c], batch.IsMasked(r, c), $"mask[{r}, {c}]");
    }

    [TestMethod]
    public void MixedAppendsSharedNegativesWithMixtureLogQ()
    {
        // B = 4, S = 3, α = 0 → shared proposal uniform 0.1; Q(i) = (4·freq(i) + 3·0.1) / 7.
        var options = new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Mixed, SharedNegatives = 3, Alpha = 0 };
        var sampler = NegativeSamplerFactory.CreateBatch(options, Counts);
        var batch = new CandidateBatch();
        var rng = new Random(2);
        int sharedHits = 0;
        for (int t = 0; t < 200; t++)
        {
            sampler.Sample(Users, Items, rng, batch);
            Assert.AreEqual(7, batch.CandidateCount);
            Assert.AreEqual(4 * 7, batch.Mask.Length);
            for (int c = 0; c < 7; c++)
            {
                int item = batch.Candidates[c];
                Assert.AreEqual(Math.Log((4 * Counts[item] / 10 + 0.3) / 7), batch.LogQ[c], 1e-6);
            }
            for (int r = 0; r < 4; r++)
                for (int c = 4; c < 7; c++)
                {
                    bool hit = batch.Candidates[c] == Items[r];
                    Assert.AreEqual(hit, batch.IsMasked(r, c));
                    if (hit) sharedHits++;
                }
        }
        Assert.IsGreaterThan(0, sharedHits, "shared negatives sometimes hit a positive and must then be masked");
        Assert.AreEqual(1.0, Enumerable.Range(0, 10).Sum(i => sampler.Probability(i, 4)), 1e-12);
    }

    [TestMethod]
    public void SharedOnlySampledSoftmaxMasksTheOtherRowsPositives()
    {
        var sampler = NegativeSamplerFactory.CreateBatch(
            new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Popularity, SharedNegatives = 5, Alpha = 1, RemoveAccidentalHits = false }, Counts);
        var batch = new CandidateBatch();
        sampler.Sample(Users, Items, new Random(3), batch);
        Assert.AreEqual(9, batch.CandidateCount);
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++) Assert.AreEqual(c != r, batch.IsMasked(r, c));
            Assert.AreEqual(6, batch.ActiveCount(r)); // the target plus the 5 shared negatives
        }
        // Q = frequency (α = 1): log Q of the positives 5, 5, 7, 8.
        Assert.AreEqual(MathF.Log(0.4f), batch.LogQ[0], 1e-6f);
        Assert.AreEqual(MathF.Log(0.1f), batch.LogQ[3], 1e-6f);
    }

    [TestMethod]
    public void BatchesAreDeterministicForASeedAndBuffersAreReused()
    {
        var sampler = NegativeSamplerFactory.CreateBatch(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Mixed, SharedNegatives = 8 }, Counts);
        var a = new CandidateBatch();
        var b = new CandidateBatch();
        sampler.Sample(Users, Items, new Random(9), a);
        sampler.Sample(Users, Items, new Random(9), b);
        CollectionAssert.AreEqual(a.Candidates.ToArray(), b.Candidates.ToArray());
        // A smaller batch into the same buffer: sizes shrink, contents are rewritten.
        sampler.Sample(Users.AsSpan(0, 2), Items.AsSpan(0, 2), new Random(9), a);
        Assert.AreEqual(10, a.CandidateCount);
        Assert.AreEqual(20, a.Mask.Length);
        Assert.IsTrue(a.IsMasked(0, 1) && a.IsMasked(1, 0));
    }
}

/// <summary>Compares floats within an absolute tolerance for CollectionAssert.</summary>
internal sealed class FloatTolerance(float delta) : System.Collections.IComparer
{
    public int Compare(object? x, object? y) => MathF.Abs((float)x! - (float)y!) <= delta ? 0 : ((float)x!).CompareTo((float)y!);
}
