using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class Gru4RecContractTests
{
    private const int Items = 10;

    private sealed class PrefixRow
    {
        [VectorType] public uint[] Prefix { get; set; } = [];
    }

    private sealed class Prediction
    {
        public uint[] PredictedItems { get; set; } = [];
        public float[] Scores { get; set; } = [];
    }

    // A ring log as an IDataView (UserId = session key, ItemId = item key with ids "i0".."i9", Timestamp).
    private static IDataView RingLog(MLContext ml, int sessions, int seed)
    {
        var ring = SessionTestData.Ring(sessions, Items, seed);
        var users = new List<int>();
        var times = new List<double>();
        for (int s = 0; s < ring.SessionCount; s++)
            for (int e = ring.Offsets[s]; e < ring.Offsets[s + 1]; e++) { users.Add(s); times.Add(s * 10 + e); }
        var data = new InteractionData(ring.SessionCount, Items, users.ToArray(), ring.Items.ToArray(),
            Enumerable.Repeat(1f, users.Count).ToArray(), times.ToArray(), null, Enumerable.Range(0, Items).Select(i => $"i{i}").ToArray());
        return data.ToDataView(ml);
    }

    private static Gru4RecOptions Options()
    {
        var o = SessionTestData.SmallOptions();
        o.TopK = 3;
        return o;
    }

    private static (MLContext Ml, Gru4RecTransformer Model) Fit()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Recommenders().Trainers.Gru4Rec(Options()).Fit(RingLog(ml, 120, 1));
        return (ml, model);
    }

    private static IDataView Prefixes(MLContext ml, params uint[][] prefixes) =>
        ml.Data.LoadFromEnumerable(prefixes.Select(p => new PrefixRow { Prefix = p }));

    private static Prediction[] Predict(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).ToArray();

    [TestMethod]
    public void LearnsTheRingAndReturnsTopKKeysAndScores()
    {
        var (ml, model) = Fit();
        // Keys are 1-based: prefix [key 3, key 4] = items 2, 3 → next is item 4 = key 5.
        var p = Predict(ml, model, Prefixes(ml, [3, 4], [10]));
        Assert.HasCount(3, p[0].PredictedItems);
        Assert.AreEqual(5u, p[0].PredictedItems[0]);
        Assert.AreEqual(1u, p[1].PredictedItems[0], "after the last item of the ring comes the first");
        Assert.IsTrue(p[0].Scores.Zip(p[0].Scores.Skip(1)).All(s => s.First >= s.Second), "scores descend");
        Assert.AreEqual("i1", model.Model.ItemIds![0 + 1], "original ids are kept");
        Assert.IsTrue(model.DataWarnings.Count == 0, string.Join(" | ", model.DataWarnings));
    }

    [TestMethod]
    public void PredictionEngineAndSaveLoadGiveIdenticalOutput()
    {
        var (ml, model) = Fit();
        var data = Prefixes(ml, [3, 4], [1], [], [2, 0, 99], [7, 8, 9, 10]);
        var before = Predict(ml, model, data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(seed: 9).Model.Load(stream, out _);
        var after = Predict(ml, loaded, data);
        var engine = ml.Model.CreatePredictionEngine<PrefixRow, Prediction>(loaded);
        for (int i = 0; i < before.Length; i++)
        {
            CollectionAssert.AreEqual(before[i].PredictedItems, after[i].PredictedItems, $"row {i}");
            CollectionAssert.AreEqual(before[i].Scores.Select(BitConverter.SingleToInt32Bits).ToArray(), after[i].Scores.Select(BitConverter.SingleToInt32Bits).ToArray(), $"row {i}");
        }
        var single = engine.Predict(new PrefixRow { Prefix = [3, 4] });
        CollectionAssert.AreEqual(before[0].PredictedItems, single.PredictedItems);
        CollectionAssert.AreEqual(before[0].Scores, single.Scores);
    }

    [TestMethod]
    public void UnknownItemsInAPrefixAreSkippedAndAnEmptyPrefixGetsPopularity()
    {
        var (ml, model) = Fit();
        var p = Predict(ml, model, Prefixes(ml, [2, 3], [0, 2, 99, 3], [], [0, 50]));
        CollectionAssert.AreEqual(p[0].PredictedItems, p[1].PredictedItems, "key 0 and key 99 are unknown and skipped");
        CollectionAssert.AreEqual(p[0].Scores, p[1].Scores);
        var popular = model.Model.Popularity.Select((c, i) => (c, i)).OrderByDescending(x => x.c).ThenBy(x => x.i).Take(3).ToArray();
        CollectionAssert.AreEqual(popular.Select(x => (uint)x.i + 1).ToArray(), p[2].PredictedItems);
        CollectionAssert.AreEqual(popular.Select(x => x.c).ToArray(), p[2].Scores);
        CollectionAssert.AreEqual(p[2].PredictedItems, p[3].PredictedItems, "an all-unknown prefix is an empty one");
    }

    [TestMethod]
    public void OutputSchemaMatchesAndBadInputsAreRejectedWithClearMessages()
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Recommenders().Trainers.Gru4Rec(Options());
        var (_, model) = Fit();
        var data = Prefixes(ml, [1]);
        var shape = estimator.GetOutputSchema(Shapes.Of(data.Schema));
        var real = model.GetOutputSchema(data.Schema);
        CollectionAssert.AreEqual(shape.Select(c => c.Name).ToArray(), real.Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.UInt32, ((VectorDataViewType)real["PredictedItems"].Type).ItemType);
        Assert.AreEqual(NumberDataViewType.Single, ((VectorDataViewType)real["Scores"].Type).ItemType);
        var noPrefix = ml.Data.LoadFromEnumerable(new[] { new { X = 1f } });
        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(noPrefix)).Message, "'Prefix' is missing");
        // Training: no time column, empty data, NaN time.
        var log = RingLog(ml, 5, 2);
        var noTime = ml.Transforms.DropColumns("Timestamp").Fit(log).Transform(log);
        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(noTime)).Message, "Timestamp");
        var empty = ml.Data.FilterRowsByColumn(log, "Timestamp", lowerBound: -2, upperBound: -1);
        Assert.Throws<InvalidDataException>(() => estimator.Fit(empty));
        var nan = new InteractionData(1, 2, [0, 0], [0, 1], [1f, 1f], [1, double.NaN]).ToDataView(ml);
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => estimator.Fit(nan)).Message, "NaN");
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.Gru4Rec(new Gru4RecOptions { DropoutHidden = 1f }));
    }

    [TestMethod]
    public void OneEventSessionsAreReportedInTheWarnings()
    {
        var ml = new MLContext(seed: 1);
        var data = new InteractionData(3, 3, [0, 0, 1, 2, 2], [0, 1, 2, 1, 2], [1, 1, 1, 1, 1], [1, 2, 3, 5, 4]).ToDataView(ml);
        var o = Options();
        o.NumberOfEpochs = 1;
        var model = ml.Recommenders().Trainers.Gru4Rec(o).Fit(data);
        Assert.IsTrue(model.DataWarnings.Any(w => w.Contains("dropped 1 session")), string.Join(" | ", model.DataWarnings));
        Assert.IsTrue(model.DataWarnings.Any(w => w.Contains("sorted by time")), string.Join(" | ", model.DataWarnings));
    }
}
