using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

[TestClass]
public sealed class TwoTowerExamplesTests
{
    // User 0 watched items 3 (t=30), 1 (t=10), 4 (t=20) → in time order 1, 4, 3; user 1 watched 2 (t=5), 0 (t=6).
    private static InteractionData Watches() =>
        new(2, 5, [0, 0, 0, 1, 1], [3, 1, 4, 2, 0], [1, 1, 1, 1, 1], [30, 10, 20, 5, 6]);

    [TestMethod]
    public void EachExamplePredictsTheNextWatchFromTheHistoryBeforeIt()
    {
        var set = TwoTowerExamples.FromInteractions(Watches());
        // User 0: (target 4, history [1]), (target 3, history [1, 4]); user 1: (target 0, history [2]).
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, set.Users);
        CollectionAssert.AreEqual(new[] { 4, 3, 0 }, set.Items);
        CollectionAssert.AreEqual(new[] { 1 }, set.HistoryOf(0).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 4 }, set.HistoryOf(1).ToArray());
        CollectionAssert.AreEqual(new[] { 2 }, set.HistoryOf(2).ToArray());
        CollectionAssert.AreEqual(new[] { 20.0, 30.0, 6.0 }, set.Timestamps);
    }

    [TestMethod]
    public void LimitsCapExamplesPerUserAndHistoryLength()
    {
        // One user watching items 0..9 at times 0..9: 9 examples without limits (positions 1..9).
        var data = new InteractionData(1, 10, new int[10], Enumerable.Range(0, 10).ToArray(), Enumerable.Repeat(1f, 10).ToArray(),
            Enumerable.Range(0, 10).Select(t => (double)t).ToArray());
        Assert.AreEqual(9, TwoTowerExamples.FromInteractions(data).Count);
        var capped = TwoTowerExamples.FromInteractions(data, maxExamplesPerUser: 3, maxHistoryLength: 2);
        Assert.AreEqual(3, capped.Count);
        for (int e = 0; e < capped.Count; e++)
        {
            int target = capped.Items[e];
            // History = the (at most 2) items just before the target: never the target or a later item.
            CollectionAssert.AreEqual(Enumerable.Range(Math.Max(0, target - 2), Math.Min(2, target)).ToArray(), capped.HistoryOf(e).ToArray());
        }
        Assert.ThrowsExactly<ArgumentException>(() => TwoTowerExamples.FromInteractions(new InteractionData(1, 2, [0], [1], [1f])));
    }

    [TestMethod]
    public void DataViewHoldsHistoryKeysAndTrainsWithTheHistoryColumn()
    {
        var ml = new MLContext(1);
        var set = TwoTowerExamples.FromInteractions(Watches());
        var view = set.ToDataView(ml);
        var type = (VectorDataViewType)view.Schema["History"].Type;
        Assert.AreEqual(5ul, ((KeyDataViewType)type.ItemType).Count);
        var histories = view.GetColumn<VBuffer<uint>>("History").Select(v => v.DenseValues().ToArray()).ToArray();
        CollectionAssert.AreEqual(new uint[] { 2, 5 }, histories[1], "keys are 0-based items + 1");
        CollectionAssert.AreEqual(new uint[] { 5, 4, 1 }, view.GetColumn<uint>("ItemId").ToArray());

        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        {
            HistoryColumnName = "History", EmbeddingDimension = 4, NumberOfEpochs = 2, BatchSize = 2,
        }).Fit(view);
        Assert.AreEqual(2, model.UserEmbeddings.Count);
        // A new user embedded from a history only differs from one with another history.
        CollectionAssert.AreNotEqual(model.ComputeUserEmbedding(new TwoTowerUserFeatures { History = [1] }),
            model.ComputeUserEmbedding(new TwoTowerUserFeatures { History = [2] }));

        // Rows of features only (no user column): key 0 in a history (an unknown item) is skipped, an empty history pools to zero.
        var probe = ml.Data.LoadFromEnumerable(new[] { new HistoryRow { History = [0, 3] }, new HistoryRow { History = [] } });
        var table = model.ComputeUserEmbeddings(probe);
        CollectionAssert.AreEqual(model.ComputeUserEmbedding(new TwoTowerUserFeatures { History = [2] }), table.Row(0).ToArray());
        CollectionAssert.AreEqual(model.FallbackUserEmbedding, table.Row(1).ToArray());
    }

    private sealed class HistoryRow
    {
        [KeyType(5)] public uint[] History { get; set; } = [];
    }
}
