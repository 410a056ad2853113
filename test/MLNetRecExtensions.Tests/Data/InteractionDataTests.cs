using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class InteractionDataTests
{
    [TestMethod]
    public void DataViewRoundTripKeepsKeysLabelsAndIds()
    {
        var ml = new MLContext(1);
        var data = new InteractionData(2, 3, [0, 1, 1], [2, 0, 2], [5f, 3f, 1f], [10, 20, 30], ["a", "b"], ["x", "y", "z"]);
        var view = data.ToDataView(ml);
        Assert.AreEqual(3UL, ((KeyDataViewType)view.Schema[InteractionColumns.Item].Type).Count);
        var back = InteractionData.FromDataView(view, timestampColumn: InteractionColumns.Timestamp);
        CollectionAssert.AreEqual(data.Users, back.Users);
        CollectionAssert.AreEqual(data.Items, back.Items);
        CollectionAssert.AreEqual(data.Labels, back.Labels);
        CollectionAssert.AreEqual(data.Timestamps, back.Timestamps);
        CollectionAssert.AreEqual(data.ItemIds, back.ItemIds);
    }

    [TestMethod]
    public void NonKeyUserColumnIsRejectedWithItsName()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new { UserId = 1f, ItemId = 2f, Label = 1f } });
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionData.FromDataView(view));
        StringAssert.Contains(ex.Message, "'UserId'");
        StringAssert.Contains(ex.Message, "MapValueToKey");
    }

    [TestMethod]
    public void CsrMergesDuplicatesAndSortsItems()
    {
        var data = new InteractionData(2, 4, [0, 0, 0, 1], [3, 1, 3, 0], [1f, 2f, 4f, 1f]);
        var m = UserItemMatrix.FromInteractions(data);
        CollectionAssert.AreEqual(new[] { 1, 3 }, m.ItemsOf(0).ToArray());
        CollectionAssert.AreEqual(new[] { 2f, 5f }, m.ValuesOf(0).ToArray());
        Assert.IsTrue(m.Contains(1, 0));
        Assert.IsFalse(m.Contains(1, 3));
        var t = m.Transpose();
        CollectionAssert.AreEqual(new[] { 0 }, t.ItemsOf(3).ToArray());
    }
}
