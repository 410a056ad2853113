using System.Security.Cryptography;
using System.Text;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class RecommendersSplitTests
{
    [TestMethod]
    public void TheGeneratorDrawsNumpysRandomSampleSequence()
    {
        // numpy 1.24: np.random.RandomState(42).random_sample(3) and RandomState(7).random_sample(3).
        var rng = new Mt19937(42);
        Assert.AreEqual(0.3745401188473625, rng.NextDouble());
        Assert.AreEqual(0.9507143064099162, rng.NextDouble());
        Assert.AreEqual(0.7319939418114051, rng.NextDouble());
        var seven = new Mt19937(7);
        Assert.AreEqual(0.07630828937395717, seven.NextDouble());
        Assert.AreEqual(0.7799187922401146, seven.NextDouble());
        // The reference MT19937 (std::mt19937, init_genrand(5489)) starts with 3499211612.
        Assert.AreEqual(3499211612u, new Mt19937(5489).NextUInt32());
    }

    [TestMethod]
    public void RoundsHalfToEvenPerUser()
    {
        // One user with n rows: train = round(0.75·n), midpoint to even: 1→1, 2→2 (1.5), 6→4 (4.5), 10→8 (7.5), 4→3.
        foreach (var (n, train) in new[] { (1, 1), (2, 2), (4, 3), (6, 4), (10, 8) })
        {
            var data = new InteractionData(1, n, new int[n], Enumerable.Range(0, n).ToArray(), Enumerable.Repeat(1f, n).ToArray());
            if (train == n)
            {
                // Every row would stay in train: an empty test part is refused, saying how much data the rule needs.
                var e = Assert.ThrowsExactly<InvalidDataException>(() => InteractionSplits.RecommendersStratifiedByUser(data, 0.75, 42));
                StringAssert.Contains(e.Message, "needs 3 or more rows");
                continue;
            }
            var split = InteractionSplits.RecommendersStratifiedByUser(data, 0.75, 42);
            Assert.AreEqual(train, split.Train.Count, $"n = {n}");
            Assert.AreEqual(n - train, split.Test.Count, $"n = {n}");
        }
    }

    [TestMethod]
    public void InMemoryAndDataViewSplitsSelectTheSameRows()
    {
        var data = Recommendation.RecommendationTestData.Groups(users: 30, items: 40, perUser: 7);
        var ml = new Microsoft.ML.MLContext(1);
        var inMemory = InteractionSplits.RecommendersStratifiedByUser(data, 0.75, 3);
        var view = InteractionSplits.RecommendersStratifiedByUser(data.ToDataView(ml), trainRatio: 0.75, seed: 3);
        var viewTrain = InteractionData.FromDataView(view.Train);
        CollectionAssert.AreEqual(inMemory.Train.Users, viewTrain.Users);
        CollectionAssert.AreEqual(inMemory.Train.Items, viewTrain.Items);
    }

    [TestMethod]
    public void ReproducesRecommendersPythonStratifiedSplitOnMovieLens100K()
    {
        // Expected values from Recommenders' _do_stratification lines (np.random.seed(seed); data["random"] =
        // np.random.rand(n); sort_values([user, random]); rank <= round(ratio·count)) run with numpy 1.24.2 and
        // pandas 1.5.3 on u.data in file order: train/test row counts and the SHA-256 of the per-row mask string
        // ("1" = train, "0" = test, in file order). See README "Recommenders-exact split".
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        foreach (var (ratio, seed, train, hash) in new[]
        {
            (0.75, 42, 74992, "9a256a21c5050159dffd9f98e9d0c3b0b49c43d5bbb1552000299e949e81a5ba"),
            (0.8, 7, 80000, "a6692f473343f46b85628deac65322fee3862be5a6855930125f3128674bd042"),
        })
        {
            var mask = SplitMasks.RecommendersStratified(data.Users, data.UserCount, ratio, (uint)seed);
            var text = new StringBuilder(mask.Length);
            foreach (var isTest in mask) text.Append(isTest ? '0' : '1');
            Assert.AreEqual(train, mask.Count(t => !t), $"ratio {ratio}, seed {seed}");
            Assert.AreEqual(hash, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text.ToString()))), $"ratio {ratio}, seed {seed}");
        }
    }
}
