using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.TwoStage;

[TestClass]
public sealed class PairFeatureBuilderTests
{
    // History, 3 users × 4 items: user 0 {0, 1}, user 1 {0}, user 2 {0, 2, 3}.
    // Item counts 3, 1, 1, 1 (mean 1.5); user counts 2, 1, 3 (mean 2).
    private static UserItemMatrix History() => UserItemMatrix.FromInteractions(
        new InteractionData(3, 4, [0, 0, 1, 2, 2, 2], [0, 1, 0, 0, 2, 3], [1, 1, 1, 1, 1, 1]));

    // Query 0 = user 2 with one candidate (item 1, score 0.5) and padding; query 1 = user 0 with items 2 (0.9), 3 (0.3).
    private static TopKResult Candidates() => new(2, 2, [1, -1, 2, 3], [0.5f, float.NaN, 0.9f, 0.3f]);

    // Held-out positive: (user 0, item 3).
    private static UserItemMatrix Relevant() => UserItemMatrix.FromInteractions(new InteractionData(3, 4, [0], [3], [1]));

    [TestMethod]
    public void CoreFeaturesLabelsAndGroupOrderAreAsComputedByHand()
    {
        var table = new PairFeatureBuilder(History()).Build([2, 0], Candidates(), Relevant());

        // Groups sorted by user: user 0's two candidates in candidate order, then user 2's one.
        CollectionAssert.AreEqual(new[] { 0, 0, 2 }, table.Users);
        CollectionAssert.AreEqual(new[] { 2, 3, 1 }, table.Items);
        CollectionAssert.AreEqual(new[] { 1, 2, 1 }, table.Ranks);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0f }, table.Labels);
        CollectionAssert.AreEqual(new[] { 0, 2, 3 }, table.GroupStarts);
        CollectionAssert.AreEqual(PairFeatureBuilder.CoreFeatureNames.ToArray(), table.FeatureNames.ToArray());

        // User 0: scores 0.9, 0.3 → mean 0.6, std 0.3 → z = ±1; gap to best 0 and 0.6.
        // Items 2 and 3 have 1 user each: ln((1 + 1) / (1 + 1.5)) = ln 0.8. User 0 has 2 items: ln(3 / 3) = 0.
        // User 2 (one candidate: z = 0) has 3 items: ln(4 / 3); item 1 has 1 user: ln 0.8.
        float ln08 = MathF.Log(0.8f);
        AssertRow(table, 0, [0.9f, 1, 0, 1, ln08, 0]);
        AssertRow(table, 1, [0.3f, 2, 0.6f, -1, ln08, 0]);
        AssertRow(table, 2, [0.5f, 1, 0, 0, ln08, MathF.Log(4f / 3)]);
    }

    [TestMethod]
    public void DataViewHasKeyColumnsGroupsLabelsAndSlotNames()
    {
        var view = new PairFeatureBuilder(History()).Build([2, 0], Candidates(), Relevant()).ToDataView();

        Assert.AreEqual(3UL, KeyCount(view.Schema[PairFeatureColumns.User].Type));
        Assert.AreEqual(4UL, KeyCount(view.Schema[PairFeatureColumns.Item].Type));
        Assert.AreEqual(3UL, KeyCount(view.Schema[PairFeatureColumns.GroupId].Type));
        Assert.AreEqual(6, ((VectorDataViewType)view.Schema[PairFeatureColumns.Features].Type).Size);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        view.Schema[PairFeatureColumns.Features].GetSlotNames(ref slots);
        Assert.AreEqual("CandidateScoreZ", slots.GetValues()[3].ToString());

        // Keys are 1-based: users 0, 0, 2 → 1, 1, 3; items 2, 3, 1 → 3, 4, 2.
        CollectionAssert.AreEqual(new uint[] { 1, 1, 3 }, view.GetColumn<uint>(PairFeatureColumns.User).ToArray());
        CollectionAssert.AreEqual(new uint[] { 1, 1, 3 }, view.GetColumn<uint>(PairFeatureColumns.GroupId).ToArray());
        CollectionAssert.AreEqual(new uint[] { 3, 4, 2 }, view.GetColumn<uint>(PairFeatureColumns.Item).ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0f }, view.GetColumn<float>(PairFeatureColumns.Label).ToArray());
        CollectionAssert.AreEqual(new[] { false, true, false }, view.GetColumn<bool>(PairFeatureColumns.LabelBool).ToArray());
        var features = view.GetColumn<float[]>(PairFeatureColumns.Features).ToArray();
        Assert.AreEqual(0.3f, features[1][0]);
        Assert.AreEqual(2f, features[1][1]);
    }

    [TestMethod]
    public void SourceFeaturesAndKeyColumnsFollowTheCoreFeatures()
    {
        var history = History();
        var source = new TestSource();
        var builder = new PairFeatureBuilder(history, [source]);
        var table = builder.Build([2, 0], Candidates(), Relevant());

        Assert.AreSame(history, source.BoundHistory);
        Assert.AreEqual("UserTimesTenPlusItem", builder.FeatureNames[PairFeatureBuilder.CoreFeatureCount]);
        // Rows (0, 2), (0, 3), (2, 1): feature = 10·user + item; Bucket = user + 1; Tags = [item + 1] for odd items.
        CollectionAssert.AreEqual(new[] { 2f, 3f, 21f }, Enumerable.Range(0, 3).Select(r => table.FeaturesOf(r)[6]).ToArray());
        CollectionAssert.AreEqual(new uint[] { 1 }, table.KeysOf(0, 0).ToArray());
        CollectionAssert.AreEqual(new uint[] { 3 }, table.KeysOf(0, 2).ToArray());
        Assert.AreEqual(0, table.KeysOf(1, 0).Length);
        CollectionAssert.AreEqual(new uint[] { 4 }, table.KeysOf(1, 1).ToArray());

        var view = table.ToDataView();
        Assert.AreEqual(3UL, KeyCount(view.Schema["Bucket"].Type));
        var tagsType = (VectorDataViewType)view.Schema["Tags"].Type;
        Assert.AreEqual(4UL, KeyCount(tagsType.ItemType));
        Assert.AreEqual(0, tagsType.Size, "Tags is a variable-length vector of keys");
        VBuffer<ReadOnlyMemory<char>> names = default;
        view.Schema["Tags"].GetKeyValues(ref names);
        Assert.AreEqual("d", names.GetValues()[3].ToString());
        CollectionAssert.AreEqual(new uint[] { 1, 1, 3 }, view.GetColumn<uint>("Bucket").ToArray());
        var tags = view.GetColumn<uint[]>("Tags").ToArray();
        Assert.AreEqual(0, tags[0].Length);
        CollectionAssert.AreEqual(new uint[] { 4 }, tags[1]);
        CollectionAssert.AreEqual(new uint[] { 2 }, tags[2]);
    }

    [TestMethod]
    public void BadInputsThrowNamingTheProblem()
    {
        var builder = new PairFeatureBuilder(History());
        var twice = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => builder.Build([0, 0], Candidates()));
        StringAssert.Contains(twice.Message, "appears twice");
        var count = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => builder.Build([0], Candidates()));
        StringAssert.Contains(count.Message, "2 queries but 1 users");
        var nan = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => builder.Build([0], new TopKResult(1, 1, [1], [float.NaN])));
        StringAssert.Contains(nan.Message, "finite");
        var user = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => builder.Build([5], new TopKResult(1, 1, [1], [1f])));
        StringAssert.Contains(user.Message, "3 users");

        var reserved = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PairFeatureBuilder(History(), [new TestSource("Label")]));
        StringAssert.Contains(reserved.Message, "'Label'");
        var badKey = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new PairFeatureBuilder(History(), [new TestSource(bucketOffset: 5)]).Build([0], new TopKResult(1, 1, [1], [1f])));
        StringAssert.Contains(badKey.Message, "keys are 1..3");
    }

    private static ulong KeyCount(DataViewType type) => ((KeyDataViewType)type).Count;

    private static void AssertRow(PairFeatureTable table, int row, float[] expected)
    {
        var actual = table.FeaturesOf(row);
        for (int f = 0; f < expected.Length; f++)
            Assert.AreEqual(expected[f], actual[f], 1e-5f, $"row {row}, feature {table.FeatureNames[f]}");
    }

    /// <summary>One feature 10·user + item; key columns Bucket (user + 1 + offset, 3 values) and Tags ([item + 1] for odd items, 4 values).</summary>
    private sealed class TestSource(string bucketName = "Bucket", uint bucketOffset = 0) : IPairFeatureSource
    {
        public UserItemMatrix? BoundHistory { get; private set; }
        public IReadOnlyList<string> FeatureNames => ["UserTimesTenPlusItem"];
        public IReadOnlyList<PairFeatureKeyColumn> KeyColumns =>
            [new PairFeatureKeyColumn(bucketName, ["u0", "u1", "u2"]), new PairFeatureKeyColumn("Tags", ["a", "b", "c", "d"], isVector: true, maxCount: 2)];

        public IPairFeatureWriter Bind(UserItemMatrix history)
        {
            BoundHistory = history;
            return new Writer(bucketOffset);
        }

        private sealed class Writer(uint offset) : IPairFeatureWriter
        {
            public void Fill(int user, int item, Span<float> features) => features[0] = 10 * user + item;

            public int FillKeys(int column, int user, int item, Span<uint> keys)
            {
                if (column == 0) { keys[0] = (uint)user + 1 + offset; return 1; }
                if (item % 2 == 0) return 0;
                keys[0] = (uint)item + 1;
                return 1;
            }
        }
    }
}
