using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class InteractionSplitsTests
{
    // Labels hold the row number so a split part tells which input rows it kept. Every row has its own item, so no
    // (user, item) pair repeats and the rules apply per row (repeats are covered in BadInput/Splits).
    private static InteractionData Rows(int userCount, int[] users, double[]? times = null)
    {
        var items = users.Select((_, r) => r).ToArray();
        var labels = users.Select((_, r) => (float)r).ToArray();
        return new InteractionData(userCount, users.Length, users, items, labels, times,
            Enumerable.Range(0, userCount).Select(u => "u" + u).ToArray(), items.Select(i => "i" + i).ToArray());
    }

    private static int[] RowsOf(InteractionData part) => part.Labels.Select(l => (int)l).ToArray();

    [TestMethod]
    public void StratifiedFourRowsPerUserGivesThreeTrainOneTest()
    {
        // Positions p = 0..3 of 4: p/4 = 0, .25, .5 < .75 → train; 3/4 = .75 is not < .75 → test.
        var data = Rows(2, [0, 0, 1, 0, 1, 1, 0, 1]);
        var split = InteractionSplits.StratifiedByUser(data, 0.75, seed: 7);
        Assert.AreEqual(6, split.Train.Count);
        Assert.AreEqual(2, split.Test.Count);
        Assert.AreEqual(3, split.Train.Users.Count(u => u == 0));
        Assert.AreEqual(1, split.Test.Users.Count(u => u == 1));
        // Together the parts hold every row once, each part in input order, with the full key spaces and ids.
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 8).ToArray(), RowsOf(split.Train).Concat(RowsOf(split.Test)).ToArray());
        CollectionAssert.AreEqual(RowsOf(split.Train).Order().ToArray(), RowsOf(split.Train));
        Assert.AreEqual(2, split.Test.UserCount);
        Assert.AreEqual(data.ItemCount, split.Test.ItemCount);
        CollectionAssert.AreEqual(data.UserIds, split.Test.UserIds);
    }

    [TestMethod]
    public void StratifiedKeepsSmallUsersInTrainAndIsSeeded()
    {
        // User 0: 1 row → ceil(.75) = 1 train. User 1: 3 rows → p/3 = 0, .33, .67 all < .75 → 3 train, 0 test.
        // User 2: 8 rows → ceil(6) = 6 train, 2 test.
        var data = Rows(3, [0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
        var a = InteractionSplits.StratifiedByUser(data, 0.75, seed: 1);
        CollectionAssert.AreEqual(new[] { 2, 2 }, a.Test.Users);
        var again = InteractionSplits.StratifiedByUser(data, 0.75, seed: 1);
        CollectionAssert.AreEqual(RowsOf(a.Test), RowsOf(again.Test));
        // Over many seeds, the held-out pair of user 2 varies (the shuffle is used).
        var distinct = Enumerable.Range(0, 20).Select(s => string.Join(",", RowsOf(InteractionSplits.StratifiedByUser(data, 0.75, s).Test))).Distinct().Count();
        Assert.IsTrue(distinct > 3, $"only {distinct} distinct test sets over 20 seeds");
    }

    [TestMethod]
    public void RandomSendsRoundedFractionToTest()
    {
        // round(0.25 · 10) = round(2.5) = 3 (midpoint away from zero).
        var data = Rows(2, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
        var split = InteractionSplits.Random(data, 0.25, seed: 3);
        Assert.AreEqual(3, split.Test.Count);
        Assert.AreEqual(7, split.Train.Count);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).ToArray(), RowsOf(split.Train).Concat(RowsOf(split.Test)).ToArray());
        CollectionAssert.AreEqual(RowsOf(split.Test), RowsOf(InteractionSplits.Random(data, 0.25, seed: 3).Test));
    }

    [TestMethod]
    public void TemporalLastOneTakesLatestTimestampPerUser()
    {
        // user 0: rows 0 (t=30), 2 (t=10), 4 (t=20) → latest is row 0.
        // user 1: rows 1 (t=5), 3 (t=5) → tie, the later row (3) counts as later.
        // user 2: row 5 only → stays in train.
        var data = Rows(3, [0, 1, 0, 1, 0, 2], [30, 5, 10, 5, 20, 1]);
        var split = InteractionSplits.TemporalByUser(data, lastN: 1);
        CollectionAssert.AreEqual(new[] { 0, 3 }, RowsOf(split.Test));
        CollectionAssert.AreEqual(new[] { 1, 2, 4, 5 }, RowsOf(split.Train));
        CollectionAssert.AreEqual(new[] { 30d, 5d }, split.Test.Timestamps);
    }

    [TestMethod]
    public void TemporalLastTwoLeavesUsersWithTwoRowsInTrain()
    {
        // user 0: times 1, 4, 2, 3 at rows 0,1,2,3 → last two are t=4 (row 1) and t=3 (row 3). user 1: 2 rows → all train.
        var data = Rows(2, [0, 0, 0, 0, 1, 1], [1, 4, 2, 3, 9, 8]);
        var split = InteractionSplits.TemporalByUser(data, lastN: 2);
        CollectionAssert.AreEqual(new[] { 1, 3 }, RowsOf(split.Test));
    }

    [TestMethod]
    public void TemporalFractionFloorsPerUser()
    {
        // user 0: 10 rows, times 10..1 descending → floor(0.3·10) = 3 latest = rows 0, 1, 2.
        // user 1: 3 rows → floor(0.9) = 0 test.
        var users = Enumerable.Repeat(0, 10).Concat([1, 1, 1]).ToArray();
        var times = Enumerable.Range(0, 10).Select(k => 10d - k).Concat([1d, 2d, 3d]).ToArray();
        var split = InteractionSplits.TemporalByUserFraction(Rows(2, users, times), 0.3);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, RowsOf(split.Test));
    }

    [TestMethod]
    public void GlobalTimeCutSendsEarlierRowsToTrain()
    {
        // times 20, 5, 15, 10; cut 15 → train t < 15 (rows 1, 3), test t ≥ 15 (rows 0, 2).
        var split = InteractionSplits.GlobalTimeCut(Rows(1, [0, 0, 0, 0], [20, 5, 15, 10]), 15);
        CollectionAssert.AreEqual(new[] { 1, 3 }, RowsOf(split.Train));
        CollectionAssert.AreEqual(new[] { 0, 2 }, RowsOf(split.Test));
    }

    // ---- IDataView splits ----

    private sealed class SideRow
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public float Rating { get; set; }
        public double Time { get; set; }
        public string Genre { get; set; } = "";
        public int RowId { get; set; }
    }

    private static SideRow[] SideRows()
    {
        // 3 users with 5, 4 and 3 rows, interleaved; times not sorted within a user.
        string[] users = ["ann", "bob", "ann", "cy", "bob", "ann", "cy", "ann", "bob", "cy", "ann", "bob"];
        double[] times = [50, 7, 10, 3, 9, 40, 1, 20, 8, 2, 30, 6];
        return users.Select((u, r) => new SideRow
        {
            User = u, Item = "i" + r, Rating = 1 + r % 5, Time = times[r], Genre = "g" + r, RowId = r,
        }).ToArray();
    }

    /// <summary>The same rows in memory: users by first appearance, label = row id.</summary>
    private static InteractionData InMemory(SideRow[] rows)
    {
        var userIndex = new Dictionary<string, int>();
        var users = rows.Select(r => userIndex.TryGetValue(r.User, out var u) ? u : userIndex[r.User] = userIndex.Count).ToArray();
        return new InteractionData(userIndex.Count, rows.Length, users, rows.Select(r => int.Parse(r.Item[1..])).ToArray(),
            rows.Select(r => (float)r.RowId).ToArray(), rows.Select(r => r.Time).ToArray());
    }

    private static (int[] RowIds, string[] Genres) Read(IDataView view)
    {
        var rows = new MLContext(1).Data.CreateEnumerable<SideRow>(view, reuseRowObject: false).ToArray();
        return (rows.Select(r => r.RowId).ToArray(), rows.Select(r => r.Genre).ToArray());
    }

    [TestMethod]
    public void DataViewSplitsKeepSideColumnsAndMatchInMemory()
    {
        var ml = new MLContext(1);
        var rows = SideRows();
        var view = ml.Data.LoadFromEnumerable(rows);
        var mem = InMemory(rows);

        var cases = new (string Name, DataViewSplit View, InteractionSplit Mem)[]
        {
            ("stratified", InteractionSplits.StratifiedByUser(view, "User", 0.75, seed: 5), InteractionSplits.StratifiedByUser(mem, 0.75, seed: 5)),
            ("random", InteractionSplits.Random(view, 0.25, seed: 5), InteractionSplits.Random(mem, 0.25, seed: 5)),
            ("temporal", InteractionSplits.TemporalByUser(view, "User", "Time", lastN: 2), InteractionSplits.TemporalByUser(mem, 2)),
            ("fraction", InteractionSplits.TemporalByUserFraction(view, 0.4, "User", "Time"), InteractionSplits.TemporalByUserFraction(mem, 0.4)),
            ("cut", InteractionSplits.GlobalTimeCut(view, 9, "Time"), InteractionSplits.GlobalTimeCut(mem, 9)),
        };
        foreach (var (name, v, m) in cases)
        {
            var (trainIds, trainGenres) = Read(v.Train);
            var (testIds, testGenres) = Read(v.Test);
            CollectionAssert.AreEqual(RowsOf(m.Train), trainIds, name);
            CollectionAssert.AreEqual(RowsOf(m.Test), testIds, name);
            // The side column travels with its row.
            CollectionAssert.AreEqual(testIds.Select(r => "g" + r).ToArray(), testGenres, name);
            CollectionAssert.AreEqual(trainIds.Select(r => "g" + r).ToArray(), trainGenres, name);
            Assert.AreEqual((long)testIds.Length, v.Test.GetRowCount(), name);
            Assert.AreSame(view.Schema, v.Train.Schema, name);
        }
        // Hand check of the temporal case: ann's two latest are t=50 (row 0), t=40 (row 5); bob's t=9 (row 4), t=8 (row 8);
        // cy has 3 rows: t=3 (row 3), t=2 (row 9).
        CollectionAssert.AreEqual(new[] { 0, 3, 4, 5, 8, 9 }, Read(cases[2].View.Test).RowIds);
    }

    [TestMethod]
    public void DataViewSplitOnKeyColumnsEqualsInMemorySplit()
    {
        var ml = new MLContext(1);
        var data = Rows(3, [0, 1, 2, 0, 1, 2, 0, 1, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var view = data.ToDataView(ml);
        var v = InteractionSplits.StratifiedByUser(view, trainRatio: 0.6, seed: 11);
        var m = InteractionSplits.StratifiedByUser(data, 0.6, seed: 11);
        var back = InteractionData.FromDataView(v.Test, timestampColumn: InteractionColumns.Timestamp);
        CollectionAssert.AreEqual(m.Test.Users, back.Users);
        CollectionAssert.AreEqual(m.Test.Labels, back.Labels);
        CollectionAssert.AreEqual(m.Test.Timestamps, back.Timestamps);
        Assert.AreEqual(3, back.UserCount);
    }

    [TestMethod]
    public void MaskedCursorCountsOutputPositions()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(SideRows());
        var split = InteractionSplits.GlobalTimeCut(view, 9, "Time");   // test rows: times ≥ 9 → rows 0, 2, 4, 5, 7, 10
        using var cursor = split.Test.GetRowCursor(split.Test.Schema);
        var getId = cursor.GetGetter<int>(split.Test.Schema["RowId"]);
        var seen = new List<(long, int)>();
        int id = 0;
        Assert.AreEqual(-1L, cursor.Position);
        while (cursor.MoveNext()) { getId(ref id); seen.Add((cursor.Position, id)); }
        CollectionAssert.AreEqual(new (long, int)[] { (0, 0), (1, 2), (2, 4), (3, 5), (4, 7), (5, 10) }, seen);
        Assert.IsFalse(split.Test.CanShuffle);
    }

    // ---- bad input ----

    [TestMethod]
    public void FractionsOutsideOpenIntervalAreRejectedByName()
    {
        var data = Rows(1, [0, 0, 0], [1, 2, 3]);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.Random(data, 1.5));
        Assert.AreEqual("testFraction", ex.ParamName);
        StringAssert.Contains(ex.Message, "1.5");
        var ex2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.StratifiedByUser(data, 0));
        Assert.AreEqual("trainRatio", ex2.ParamName);
        StringAssert.Contains(ex2.Message, "strictly between 0 and 1");
        var ex3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.TemporalByUserFraction(data, 1));
        Assert.AreEqual("testFraction", ex3.ParamName);
    }

    [TestMethod]
    public void LastNBelowOneIsRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.TemporalByUser(Rows(1, [0], [1]), 0));
        Assert.AreEqual("lastN", ex.ParamName);
        StringAssert.Contains(ex.Message, "is 0");
    }

    [TestMethod]
    public void TemporalSplitWithoutTimestampsSaysSo()
    {
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => InteractionSplits.TemporalByUser(Rows(1, [0, 0])));
        StringAssert.Contains(ex.Message, "no timestamps");
    }

    [TestMethod]
    public void DataViewSplitWithMissingColumnNamesItAndListsColumns()
    {
        var view = new MLContext(1).Data.LoadFromEnumerable(SideRows());
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.TemporalByUser(view, "User", "Timestamp"));
        StringAssert.Contains(ex.Message, "'Timestamp'");
        StringAssert.Contains(ex.Message, "Time");
        var ex2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionSplits.StratifiedByUser(view));
        StringAssert.Contains(ex2.Message, "'UserId'");
    }
}
