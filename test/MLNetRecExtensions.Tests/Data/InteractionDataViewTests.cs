using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class InteractionDataViewTests
{
    // 3 users, 2 items, 4 ratings; ids known, timestamps present.
    private static InteractionData Sample(bool timestamps) => new(3, 2, [0, 2, 1, 2], [1, 0, 1, 1], [4f, 2.5f, 1f, 5f],
        timestamps ? [10, 20, 30, 40] : null, ["u0", "u1", "u2"], ["i0", "i1"]);

    private sealed class Row
    {
        public uint UserId { get; set; }
        public uint ItemId { get; set; }
        public float Label { get; set; }
        public double Timestamp { get; set; }
    }

    [TestMethod]
    public void SchemaHasKeyColumnsOfTheCountsWithKeyValuesAndTheTimestampOnlyWhenPresent()
    {
        var ml = new MLContext(1);
        var view = Sample(true).ToDataView(ml);
        CollectionAssert.AreEqual(new[] { "UserId", "ItemId", "Label", "Timestamp" }, view.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), view.Schema["UserId"].Type);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 2), view.Schema["ItemId"].Type);
        Assert.AreEqual(NumberDataViewType.Single, view.Schema["Label"].Type);
        Assert.AreEqual(NumberDataViewType.Double, view.Schema["Timestamp"].Type);
        VBuffer<ReadOnlyMemory<char>> ids = default;
        view.Schema["ItemId"].GetKeyValues(ref ids);
        CollectionAssert.AreEqual(new[] { "i0", "i1" }, ids.DenseValues().Select(v => v.ToString()).ToArray());
        Assert.AreEqual(4L, view.GetRowCount());
        Assert.IsFalse(view.CanShuffle);
        CollectionAssert.AreEqual(new[] { "UserId", "ItemId", "Label" }, Sample(false).ToDataView(ml).Schema.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void RowsReadBackAsKeysOnePlusTheIndexInStoredOrder()
    {
        var ml = new MLContext(1);
        var rows = ml.Data.CreateEnumerable<Row>(Sample(true).ToDataView(ml), reuseRowObject: false).ToArray();
        CollectionAssert.AreEqual(new uint[] { 1, 3, 2, 3 }, rows.Select(r => r.UserId).ToArray());
        CollectionAssert.AreEqual(new uint[] { 2, 1, 2, 2 }, rows.Select(r => r.ItemId).ToArray());
        CollectionAssert.AreEqual(new[] { 4f, 2.5f, 1f, 5f }, rows.Select(r => r.Label).ToArray());
        CollectionAssert.AreEqual(new double[] { 10, 20, 30, 40 }, rows.Select(r => r.Timestamp).ToArray());
        var back = InteractionData.FromDataView(Sample(true).ToDataView(ml), timestampColumn: "Timestamp");
        CollectionAssert.AreEqual(new[] { 0, 2, 1, 2 }, back.Users);
        CollectionAssert.AreEqual(new[] { "u0", "u1", "u2" }, back.UserIds);
    }

    [TestMethod]
    public void GettersCheckTheTypeTheActiveColumnsAndThePosition()
    {
        var view = Sample(false).ToDataView(new MLContext(1));
        using var cursor = view.GetRowCursor([view.Schema["UserId"]]);
        Assert.IsTrue(cursor.IsColumnActive(view.Schema["UserId"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Label"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Label"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<int>(view.Schema["UserId"]));
        var getUser = cursor.GetGetter<uint>(view.Schema["UserId"]);
        uint u = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => getUser(ref u)); // before MoveNext
        int n = 0;
        while (cursor.MoveNext()) n++;
        Assert.AreEqual(4, n);
        Assert.IsFalse(cursor.MoveNext());
    }

    [TestMethod]
    public void ReadingTheViewBackEqualsReadingItThroughACursorForEveryColumnChoice()
    {
        var ml = new MLContext(1);
        var data = Sample(true);
        foreach (var (label, time) in new (string?, string?)[] { ("Label", null), ("Label", "Timestamp"), (null, null), (null, "Timestamp") })
        {
            var fast = InteractionData.FromDataView(data.ToDataView(ml), labelColumn: label, timestampColumn: time);
            var slow = InteractionData.FromDataView(new Hidden(data.ToDataView(ml)), labelColumn: label, timestampColumn: time);
            CollectionAssert.AreEqual(slow.Users, fast.Users);
            CollectionAssert.AreEqual(slow.Items, fast.Items);
            // Without a label column every label reads as 1.
            CollectionAssert.AreEqual(label == null ? new[] { 1f, 1f, 1f, 1f } : new[] { 4f, 2.5f, 1f, 5f }, fast.Labels);
            CollectionAssert.AreEqual(slow.Labels, fast.Labels);
            CollectionAssert.AreEqual(slow.Timestamps, fast.Timestamps);
            Assert.AreEqual(time == null, fast.Timestamps == null);
            CollectionAssert.AreEqual(slow.ItemIds, fast.ItemIds);
        }
        // Swapped roles are not the view's own columns: read through the cursor, users become the items.
        var swapped = InteractionData.FromDataView(data.ToDataView(ml), userColumn: "ItemId", itemColumn: "UserId");
        CollectionAssert.AreEqual(data.Items, swapped.Users);
        Assert.AreEqual(2, swapped.UserCount);
        // A non-finite label still fails with the cursor's message naming the row.
        var bad = new InteractionData(2, 2, [0, 1], [1, 0], [3f, float.PositiveInfinity]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => InteractionData.FromDataView(bad.ToDataView(ml)));
        StringAssert.Contains(e.Message, "Row 1");
    }

    // Passes every call to the inner view: a view that is not an InteractionDataView.
    private sealed class Hidden(IDataView inner) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => inner.GetRowCursorSet(columnsNeeded, n, rand);
    }
}
