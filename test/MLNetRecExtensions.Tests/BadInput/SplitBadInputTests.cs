using Microsoft.ML;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Too little data for a split, and repeated pairs, which must never straddle train and test.</summary>
[TestClass]
public sealed class SplitBadInputTests
{
    private static InteractionData Data(int[] users, int[] items, double[]? times = null, int? itemCount = null) =>
        new(users.Max() + 1, itemCount ?? items.Max() + 1, users, items, users.Select(_ => 1f).ToArray(), times,
            Enumerable.Range(0, users.Max() + 1).Select(u => "u" + u).ToArray(),
            Enumerable.Range(0, itemCount ?? items.Max() + 1).Select(i => "i" + i).ToArray());

    [TestMethod]
    public void TwoRowFileIsTooLittleForTheStratifiedSplit()
    {
        // Case 3: two users with one rating each used to give metrics of 0 and "0 users evaluated".
        var data = Data([0, 1], [0, 1]);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.StratifiedByUser(data, 0.75),
            "Too little data for the stratified split", "test part empty", "needs 4 or more distinct items", "2 rows", "the most distinct items any user has is 1");
    }

    [TestMethod]
    public void SingleRowIsTooLittleForTheRandomSplit() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.Random(Data([0], [0], itemCount: 2), 0.2),
            "Too little data for the random split", "at least 3 distinct pairs");

    [TestMethod]
    public void UsersWithOneRowAreTooLittleForLeaveLastOut() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.TemporalByUser(Data([0, 1, 2], [0, 1, 2], [1, 2, 3]), 1),
            "temporal (last N per user)", "needs 2 or more distinct items");

    [TestMethod]
    public void UsersWithTwoRowsAreTooLittleForAQuarterByTime() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.TemporalByUserFraction(Data([0, 0, 1, 1], [0, 1, 0, 1], [1, 2, 3, 4]), 0.25),
            "temporal (fraction per user)", "needs 4 or more distinct items");

    [TestMethod]
    [DataRow(100.0, "test", DisplayName = "cut after every row")]
    [DataRow(-5.0, "train", DisplayName = "cut before every row")]
    public void TimeCutOutsideTheDataIsRejected(double cut, string emptySide) =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.GlobalTimeCut(Data([0, 0, 1], [0, 1, 2], [1, 2, 3]), cut),
            $"leaves the {emptySide} part empty", "time span [1, 3]");

    [TestMethod]
    public void SingleItemDatasetNamesTheCause()
    {
        // Case 11: the old message "No ratings to evaluate… check the test split" named a symptom.
        var data = Data([0, 1, 2, 3], [0, 0, 0, 0]);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionSplits.StratifiedByUser(data),
            "over 1 items", "single item", "needs at least 2 items");
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(1.0)]
    [DataRow(double.NaN)]
    public void TrainRatioOutsideZeroOneIsRejected(double ratio) =>
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = InteractionSplits.StratifiedByUser(Data([0, 0], [0, 1]), ratio),
            "trainRatio must be strictly between 0 and 1", $"but is {ratio}");

    [TestMethod]
    public void TemporalSplitWithoutTimestampsSaysWhichSplitsWork() =>
        BadInputAssert.Throws<InvalidOperationException>(() => _ = InteractionSplits.TemporalByUser(Data([0, 0], [0, 1])),
            "no timestamps", "Random or StratifiedByUser");

    /// <summary>The whole file twice (case 2): 20 users × 6 items, every row repeated.</summary>
    private static InteractionData Doubled()
    {
        var users = new List<int>();
        var items = new List<int>();
        var times = new List<double>();
        for (int copy = 0; copy < 2; copy++)
            for (int u = 0; u < 20; u++)
                for (int i = 0; i < 6; i++) { users.Add(u); items.Add((u + i) % 10); times.Add(copy * 1000 + u * 10 + i); }
        return new InteractionData(20, 10, [.. users], [.. items], users.Select(_ => 1f).ToArray(), [.. times]);
    }

    private static void AssertNoPairOnBothSides(InteractionSplit split, string name)
    {
        var train = split.Train.Users.Zip(split.Train.Items).ToHashSet();
        var leaked = split.Test.Users.Zip(split.Test.Items).Where(train.Contains).ToArray();
        Assert.AreEqual(0, leaked.Length, $"{name}: pairs in train and test: {string.Join(", ", leaked.Take(5))}");
        Assert.IsTrue(split.Test.Count > 0 && split.Train.Count > 0, name);
        Assert.AreEqual(240, split.Train.Count + split.Test.Count, name);
    }

    [TestMethod]
    public void RepeatedPairsStayOnOneSideOfEverySplit()
    {
        var data = Doubled();
        AssertNoPairOnBothSides(InteractionSplits.Random(data, 0.25, seed: 3), "random");
        AssertNoPairOnBothSides(InteractionSplits.StratifiedByUser(data, 0.75, seed: 3), "stratified");
        AssertNoPairOnBothSides(InteractionSplits.TemporalByUser(data, 1), "temporal");
        AssertNoPairOnBothSides(InteractionSplits.TemporalByUserFraction(data, 0.3), "fraction");
        AssertNoPairOnBothSides(InteractionSplits.GlobalTimeCut(data, 1100), "cut");
    }

    [TestMethod]
    public void RepeatedPairsStayOnOneSideOfDataViewSplits()
    {
        var ml = new MLContext(1);
        var data = Doubled();
        var view = data.ToDataView(ml);
        foreach (var (name, split) in new[]
        {
            ("random", InteractionSplits.Random(view, 0.25, seed: 3)),
            ("stratified", InteractionSplits.StratifiedByUser(view, trainRatio: 0.75, seed: 3)),
        })
        {
            var train = InteractionData.FromDataView(split.Train);
            var test = InteractionData.FromDataView(split.Test);
            AssertNoPairOnBothSides(new InteractionSplit(train, test), name);
        }
    }
}
