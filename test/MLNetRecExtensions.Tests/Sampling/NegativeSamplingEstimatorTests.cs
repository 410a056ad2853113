using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Tests.Sampling;

[TestClass]
public sealed class NegativeSamplingEstimatorTests
{
    private sealed class Row
    {
        public uint UserId { get; set; }
        public uint ItemId { get; set; }
        public float Weight { get; set; }
        public float Age { get; set; }
        public string Color { get; set; } = "";
    }

    // 3 users × 6 items, 0-based (LoadFromEnumerable stores key v as v + 1). Item counts: 0:3, 1:2, 2:1, 3:1, 4:1, 5:0.
    private static readonly Row[] Positives =
    [
        new() { UserId = 0, ItemId = 0, Weight = 2, Age = 30, Color = "red" },
        new() { UserId = 0, ItemId = 1, Weight = 3, Age = 30, Color = "blue" },
        new() { UserId = 1, ItemId = 0, Weight = 4, Age = 41, Color = "red" },
        new() { UserId = 1, ItemId = 2, Weight = 5, Age = 41, Color = "green" },
        new() { UserId = 2, ItemId = 0, Weight = 6, Age = 25, Color = "red" },
        new() { UserId = 2, ItemId = 1, Weight = 7, Age = 25, Color = "blue" },
        new() { UserId = 2, ItemId = 3, Weight = 8, Age = 25, Color = "pink" },
        new() { UserId = 2, ItemId = 4, Weight = 9, Age = 25, Color = "gray" },
    ];

    private static IDataView Load(MLContext ml, IEnumerable<Row> rows, int userCount = 3, int itemCount = 6)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.UserId)].ColumnType = new KeyDataViewType(typeof(uint), userCount);
        schema[nameof(Row.ItemId)].ColumnType = new KeyDataViewType(typeof(uint), itemCount);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static NegativeSamplingOptions Options(int negatives = 3, int seed = 1) => new()
    {
        Strategy = NegativeSamplingStrategy.Uniform,
        NegativesPerPositive = negatives,
        WeightColumnName = nameof(Row.Weight),
        NegativeWeight = 0.5f,
        PassThroughColumns = [nameof(Row.Age)],
        Seed = seed,
    };

    [TestMethod]
    public void EachPositiveIsFollowedByItsNegatives()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);
        var output = ml.Recommenders().Transforms.NegativeSampling(Options()).Fit(input).Transform(input);

        Assert.AreEqual(8L * 4, output.GetRowCount());
        var users = output.GetColumn<uint>("UserId").ToArray();
        var items = output.GetColumn<uint>("ItemId").ToArray();
        var labels = output.GetColumn<bool>("Label").ToArray();
        var weights = output.GetColumn<float>("Weight").ToArray();
        var ages = output.GetColumn<float>("Age").ToArray();
        Assert.HasCount(32, labels);
        for (int p = 0; p < Positives.Length; p++)
        {
            var positive = Positives[p];
            for (int k = 0; k < 4; k++)
            {
                int r = 4 * p + k;
                Assert.AreEqual(k == 0, labels[r]);
                Assert.AreEqual(positive.UserId + 1, users[r]);
                Assert.AreEqual(positive.Age, ages[r]);
                Assert.AreEqual(k == 0 ? positive.Weight : 0.5f, weights[r]);
                if (k == 0) Assert.AreEqual(positive.ItemId + 1, items[r]);
                else Assert.AreNotEqual(positive.ItemId + 1, items[r], "accidental hit");
                Assert.IsTrue(items[r] is >= 1 and <= 6);
            }
        }
        // Color is neither user, item, weight nor pass-through: dropped.
        Assert.IsNull(output.Schema.GetColumnOrNull(nameof(Row.Color)));
    }

    [TestMethod]
    public void RowsAreDeterministicForASeedAndIndependentOfTheColumnsRead()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);
        uint[] Items(int seed) => ml.Recommenders().Transforms.NegativeSampling(Options(5, seed)).Fit(input).Transform(input)
            .GetColumn<uint>("ItemId").ToArray();
        CollectionAssert.AreEqual(Items(7), Items(7));
        CollectionAssert.AreNotEqual(Items(7), Items(8));

        // A cursor over every column replays the same items as one over ItemId alone.
        var view = ml.Recommenders().Transforms.NegativeSampling(Options(5, 7)).Fit(input).Transform(input);
        var fromFullCursor = new List<uint>();
        using (var cursor = view.GetRowCursor(view.Schema))
        {
            var get = cursor.GetGetter<uint>(view.Schema["ItemId"]);
            uint v = 0;
            while (cursor.MoveNext()) { get(ref v); fromFullCursor.Add(v); }
        }
        CollectionAssert.AreEqual(Items(7), fromFullCursor);
    }

    [TestMethod]
    public void TransformStreamsTheInputLazily()
    {
        var ml = new MLContext(1);
        int yielded = 0;
        IEnumerable<Row> Counting() { foreach (var r in Positives) { yielded++; yield return r; } }
        var input = Load(ml, Counting());
        var transformer = ml.Recommenders().Transforms.NegativeSampling(Options(3)).Fit(input);
        Assert.AreEqual(Positives.Length, yielded, "Fit reads the input once");

        yielded = 0;
        var output = transformer.Transform(input);
        Assert.AreEqual(0, yielded, "Transform reads nothing until cursored");
        using (var cursor = output.GetRowCursor(output.Schema))
            for (int r = 0; r < 4; r++) Assert.IsTrue(cursor.MoveNext());
        Assert.AreEqual(1, yielded, "the first positive and its 3 negatives need one input row");
    }

    [TestMethod]
    public void ExcludingTheHistoryNeverPairsAUserWithTheirItems()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);
        var options = Options(4);
        options.ExcludeUserHistory = true;
        options.Strategy = NegativeSamplingStrategy.Popularity;
        options.Alpha = 0; // uniform, so item 5 (never seen) is drawable too
        var output = ml.Recommenders().Transforms.NegativeSampling(options).Fit(input).Transform(input);
        var seen = Positives.Select(r => (r.UserId + 1, r.ItemId + 1)).ToHashSet();
        var users = output.GetColumn<uint>("UserId").ToArray();
        var items = output.GetColumn<uint>("ItemId").ToArray();
        var labels = output.GetColumn<bool>("Label").ToArray();
        for (int r = 0; r < labels.Length; r++)
            Assert.AreEqual(labels[r], seen.Contains((users[r], items[r])), $"row {r}");
    }

    [TestMethod]
    public void SingleLabelsAreOneAndZero()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);
        var options = Options(2);
        options.LabelType = DataKind.Single;
        options.LabelColumnName = "Target";
        var output = ml.Recommenders().Transforms.NegativeSampling(options).Fit(input).Transform(input);
        Assert.AreEqual(NumberDataViewType.Single, output.Schema["Target"].Type);
        var labels = output.GetColumn<float>("Target").ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 24).Select(r => r % 3 == 0 ? 1f : 0f).ToArray(), labels);
    }

    [TestMethod]
    public void OutputSchemaShapeMatchesTheRealOutputSchema()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);
        foreach (var labelType in new[] { DataKind.Boolean, DataKind.Single })
        {
            var options = Options();
            options.LabelType = labelType;
            var estimator = ml.Recommenders().Transforms.NegativeSampling(options);
            var shape = estimator.GetOutputSchema(Shapes.Of(input.Schema)).ToArray();
            var transformer = estimator.Fit(input);
            var actual = transformer.Transform(input).Schema;
            var actualShape = Shapes.Of(actual).ToArray();
            CollectionAssert.AreEqual(new[] { "UserId", "ItemId", "Weight", "Age", "Label" }, actual.Select(c => c.Name).ToArray());
            Assert.HasCount(actualShape.Length, shape);
            for (int c = 0; c < shape.Length; c++)
            {
                Assert.AreEqual(actualShape[c].Name, shape[c].Name);
                Assert.AreEqual(actualShape[c].Kind, shape[c].Kind);
                Assert.AreEqual(actualShape[c].ItemType, shape[c].ItemType);
                Assert.AreEqual(actualShape[c].IsKey, shape[c].IsKey);
            }
            Assert.AreEqual(actual.Count, transformer.GetOutputSchema(input.Schema).Count);
        }
    }

    [TestMethod]
    public void BadInputsNameTheColumnOrOption()
    {
        var ml = new MLContext(1);
        var input = Load(ml, Positives);

        var stringItem = new NegativeSamplingOptions { ItemColumnName = nameof(Row.Color) };
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Transforms.NegativeSampling(stringItem).Fit(input));
        StringAssert.Contains(ex.Message, "'Color'");
        StringAssert.Contains(ex.Message, "MapValueToKey");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Transforms.NegativeSampling(stringItem).GetOutputSchema(Shapes.Of(input.Schema)));

        Assert.AreEqual("NegativesPerPositive", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Recommenders().Transforms.NegativeSampling(negativesPerPositive: -2)).ParamName);
        Assert.AreEqual("Alpha", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Recommenders().Transforms.NegativeSampling(new NegativeSamplingOptions { Alpha = -1 })).ParamName);

        var oneItem = Load(ml, [new Row { UserId = 0, ItemId = 0 }, new Row { UserId = 1, ItemId = 0 }], 2, 1);
        var oneEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Transforms.NegativeSampling().Fit(oneItem));
        Assert.AreEqual("RemoveAccidentalHits", oneEx.ParamName);

        var weightAsAge = new NegativeSamplingOptions { WeightColumnName = "Missing" };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Recommenders().Transforms.NegativeSampling(weightAsAge).Fit(input)).Message, "'Missing'");

        // A model fitted on 6 items cannot sample data keyed over 9.
        var transformer = ml.Recommenders().Transforms.NegativeSampling().Fit(input);
        var other = Load(ml, Positives, 3, 9);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(other)).Message, "has 9 key values");
    }

    private sealed class RawRow
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }

    // Users u0..u39 and items i0..i39 in 4 groups of 10; a user likes items of their own group.
    private static (RawRow[] Train, RawRow[] TestPositives, RawRow[] TestNegatives) GroupedData()
    {
        var rng = new Random(42);
        var train = new List<RawRow>();
        var testPositives = new List<RawRow>();
        var testNegatives = new List<RawRow>();
        for (int u = 0; u < 40; u++)
        {
            int group = u / 10;
            var liked = Enumerable.Range(group * 10, 10).OrderBy(_ => rng.Next()).Take(6).ToArray();
            foreach (var i in liked.Take(5)) train.Add(new RawRow { User = $"u{u}", Item = $"i{i}" });
            testPositives.Add(new RawRow { User = $"u{u}", Item = $"i{liked[5]}" });
            int otherGroup = (group + 1 + rng.Next(3)) % 4;
            testNegatives.Add(new RawRow { User = $"u{u}", Item = $"i{otherGroup * 10 + rng.Next(10)}" });
        }
        return (train.ToArray(), testPositives.ToArray(), testNegatives.ToArray());
    }

    private static IEstimator<ITransformer> SampledFfmPipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("UserId", nameof(RawRow.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(RawRow.Item)))
            .Append(ml.Recommenders().Transforms.NegativeSampling(strategy: NegativeSamplingStrategy.Uniform, negativesPerPositive: 4, seed: 3))
            .Append(ml.Transforms.Conversion.MapKeyToVector("UserVector", "UserId"))
            .Append(ml.Transforms.Conversion.MapKeyToVector("ItemVector", "ItemId"))
            .Append(ml.BinaryClassification.Trainers.FieldAwareFactorizationMachine(new Microsoft.ML.Trainers.FieldAwareFactorizationMachineTrainer.Options
            {
                FeatureColumnName = "UserVector",
                ExtraFeatureColumns = ["ItemVector"],
                LabelColumnName = "Label",
                NumberOfIterations = 30,
                LatentDimension = 8,
                Shuffle = false,
                Verbose = false,
            }));

    private static ITransformer WithoutSampler(ITransformer model) =>
        new TransformerChain<ITransformer>(((IEnumerable<ITransformer>)model).Where(t => t is not NegativeSamplingTransformer).ToArray());

    [TestMethod]
    public void PointwiseLearnerOnSampledDataRanksHeldOutPositivesAboveOtherGroups()
    {
        var ml = new MLContext(1);
        var (train, testPositives, testNegatives) = GroupedData();
        var model = SampledFfmPipeline(ml).Fit(ml.Data.LoadFromEnumerable(train));
        var scorer = WithoutSampler(model);
        var pos = scorer.Transform(ml.Data.LoadFromEnumerable(testPositives)).GetColumn<float>("Score").ToArray();
        var neg = scorer.Transform(ml.Data.LoadFromEnumerable(testNegatives)).GetColumn<float>("Score").ToArray();
        // AUC = P(score of a held-out positive > score of an other-group item); 0.5 = random.
        double wins = 0;
        foreach (var p in pos) foreach (var n in neg) wins += p > n ? 1 : p == n ? 0.5 : 0;
        double auc = wins / (pos.Length * neg.Length);
        // Measured 0.845; item popularity alone cannot separate the groups (every item is liked by about as many users).
        Assert.IsGreaterThan(0.6, auc, $"AUC {auc:F3}");
    }

    [TestMethod]
    public void SavedPipelineScoresRowsUnchanged()
    {
        var ml = new MLContext(1);
        var (train, testPositives, testNegatives) = GroupedData();
        var data = ml.Data.LoadFromEnumerable(train);
        var model = SampledFfmPipeline(ml).Fit(data);
        var probe = ml.Data.LoadFromEnumerable(testPositives.Concat(testNegatives));
        var path = Path.Combine(Path.GetTempPath(), $"negative-sampling-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(2).Model.Load(path, out _);
            var after = loaded.Transform(probe).GetColumn<float>("Score").ToArray();
            var expected = WithoutSampler(model).Transform(probe).GetColumn<float>("Score").ToArray();
            Assert.HasCount(80, after, "one score per input row: sampling is not part of the saved model");
            CollectionAssert.AreEqual(expected, after);

            // The in-memory model as a row-to-row mapper (PredictionEngine) is the identity too.
            var engine = ml.Model.CreatePredictionEngine<RawRow, Scored>(model);
            Assert.AreEqual(expected[0], engine.Predict(testPositives[0]).Score);
        }
        finally { File.Delete(path); }
    }
}
