using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using static MLNetRecExtensions.Tests.Factorization.FactorizationTestData;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class SgdKernelTests
{
    private static MatrixFactorizationModel Fit(InteractionData train, int rank, int threads, SgdKernelKind? kernel, bool nonNegative = false)
    {
        var ml = new MLContext(1);
        var options = new MatrixFactorizationTrainer.Options
        {
            ApproximationRank = rank, NumberOfIterations = 60, Lambda = 0.001, LearningRate = 0.1, NumberOfThreads = threads, Seed = 5,
            NonNegative = nonNegative,
        };
        ExplicitSgd.ForcedKernel = kernel;
        try { return ml.Recommenders().Trainers.MatrixFactorization(options).Fit(train.ToDataView(ml)); }
        finally { ExplicitSgd.ForcedKernel = null; }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(8)]
    [DataRow(16)]
    public void EveryKernelWidthRecoversALowRankMatrixAndAgreesWithScalar(int width)
    {
        var kind = (SgdKernelKind)width;
        // Rank 3 pads to 8 or 16 floats per row: the padding must stay zero and leave the model unchanged.
        var (train, test) = LowRank(40, 30, 0.7, 11);
        var model = Fit(train, 3, 1, kind);
        var scalar = Fit(train, 3, 1, SgdKernelKind.Scalar);
        Assert.IsLessThan(0.1, Rmse(test, model.Score));
        Assert.AreEqual(3, model.UserFactors.Values.Length / 40);
        for (int k = 0; k < model.UserFactors.Values.Length; k++)
            Assert.AreEqual(scalar.UserFactors.Values[k], model.UserFactors.Values[k], 2e-3f, $"user factor {k}");
    }

    [TestMethod]
    public void OneTwoAndThreeThreadsAreDeterministicAndOneEqualsTwo()
    {
        var (train, _) = LowRank(50, 40, 0.7, 3);
        var one = Fit(train, 4, 1, null);
        var two = Fit(train, 4, 2, null);
        var twoAgain = Fit(train, 4, 2, null);
        CollectionAssert.AreEqual(one.UserFactors.Values, two.UserFactors.Values);
        CollectionAssert.AreEqual(one.ItemFactors.Values, two.ItemFactors.Values);
        CollectionAssert.AreEqual(one.UserBiases, two.UserBiases);
        CollectionAssert.AreEqual(two.ItemFactors.Values, twoAgain.ItemFactors.Values);
        var three = Fit(train, 4, 3, null);
        var threeAgain = Fit(train, 4, 3, null);
        CollectionAssert.AreEqual(three.UserFactors.Values, threeAgain.UserFactors.Values);
    }

    [TestMethod]
    public void NonNegativeKeepsEveryFactorAtOrAboveZero()
    {
        var (train, _) = LowRank(30, 20, 0.7, 4);
        foreach (var kind in new[] { SgdKernelKind.Scalar, SgdKernelKind.Vector256, SgdKernelKind.Vector512 })
        {
            var model = Fit(train, 5, 2, kind, nonNegative: true);
            Assert.IsTrue(model.UserFactors.Values.All(v => v >= 0) && model.ItemFactors.Values.All(v => v >= 0), kind.ToString());
        }
    }

    [TestMethod]
    public void BlockGridKeepsEveryRatingOnceInItsBlock()
    {
        var (train, _) = LowRank(23, 17, 0.8, 2);
        var grid = new SgdBlockGrid(train, 4, new Random(1));
        Assert.AreEqual(train.Count, grid.BlockStart[^1]);
        var seen = new HashSet<(int, int)>();
        var userBin = new int[23];
        var itemBin = new int[17];
        Array.Fill(userBin, -1);
        Array.Fill(itemBin, -1);
        for (int b = 0; b < 16; b++)
            for (int r = grid.BlockStart[b]; r < grid.BlockStart[b + 1]; r++)
            {
                Assert.IsTrue(seen.Add((grid.Users[r], grid.Items[r])));
                // Each user (item) lives in exactly one row (column) bin.
                Assert.IsTrue(userBin[grid.Users[r]] is -1 || userBin[grid.Users[r]] == b / 4);
                Assert.IsTrue(itemBin[grid.Items[r]] is -1 || itemBin[grid.Items[r]] == b % 4);
                userBin[grid.Users[r]] = b / 4;
                itemBin[grid.Items[r]] = b % 4;
            }
        Assert.HasCount(train.Count, seen);
        // The renumbering is a permutation, and every rating keeps its (user, item) pair under it.
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 23).ToArray(), grid.UserRow);
        var original = new HashSet<(int, int)>(Enumerable.Range(0, train.Count).Select(r => (grid.UserRow[train.Users[r]], grid.ItemRow[train.Items[r]])));
        Assert.IsTrue(original.SetEquals(seen));
    }

    [TestMethod]
    public void BlocksAreSortedByTheLongerSideThenTheOther()
    {
        // 23 users > 17 items: LIBMF's order sorts each block by user row, then by item row.
        var (train, _) = LowRank(23, 17, 0.8, 2);
        var grid = new SgdBlockGrid(train, 3, new Random(4));
        Assert.IsTrue(grid.SortedByUser);
        for (int b = 0; b < 9; b++)
            for (int r = grid.BlockStart[b] + 1; r < grid.BlockStart[b + 1]; r++)
                Assert.IsTrue((grid.Users[r - 1], grid.Items[r - 1]).CompareTo((grid.Users[r], grid.Items[r])) < 0, $"block {b} position {r}");
        // Row bins are contiguous runs of ⌈23/3⌉ = 8 renumbered users.
        for (int b = 0; b < 9; b++)
            for (int r = grid.BlockStart[b]; r < grid.BlockStart[b + 1]; r++) Assert.AreEqual(b / 3, grid.Users[r] / 8);
    }
}
