using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

[TestClass]
public sealed class WideAndDeepContractTests
{
    private sealed class Scored
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static Scored[] Score(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToArray();

    [TestMethod]
    public void LearnsTheSyntheticRuleAndEvaluateWorksOnItsOutput()
    {
        var ml = new MLContext(seed: 1);
        var (keys, model, _) = SmallData.Fit(ml, SmallData.Rows(600, seed: 1), SmallData.Options());
        var test = keys.Transform(ml.Data.LoadFromEnumerable(SmallData.Rows(400, seed: 2)));
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        // 3% of labels are flipped, so the best achievable accuracy is about 0.97.
        Assert.IsGreaterThan(0.9, metrics.Accuracy, $"accuracy {metrics.Accuracy}");
        Assert.IsGreaterThan(0.95, metrics.AreaUnderRocCurve, $"AUC {metrics.AreaUnderRocCurve}");
        foreach (var s in Score(ml, model, test))
        {
            Assert.AreEqual(1 / (1 + Math.Exp(-s.Score)), s.Probability, 1e-6);
            Assert.AreEqual(s.Score > 0, s.PredictedLabel);
        }
    }

    [TestMethod]
    public void SaveAndLoadReproduceEveryOutputExactly()
    {
        var ml = new MLContext(seed: 1);
        var (keys, model, keyed) = SmallData.Fit(ml, SmallData.Rows(200, seed: 1), SmallData.Options());
        var pipeline = keys.Append(model);
        var data = ml.Data.LoadFromEnumerable(SmallData.Rows(100, seed: 2));
        using var stream = new MemoryStream();
        ml.Model.Save(pipeline, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(seed: 7).Model.Load(stream, out _);

        var before = Score(ml, pipeline, data);
        var after = Score(ml, loaded, data);
        Assert.HasCount(before.Length, after);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.AreEqual(BitConverter.SingleToInt32Bits(before[i].Score), BitConverter.SingleToInt32Bits(after[i].Score), $"row {i}");
            Assert.AreEqual(BitConverter.SingleToInt32Bits(before[i].Probability), BitConverter.SingleToInt32Bits(after[i].Probability), $"row {i}");
            Assert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel, $"row {i}");
        }
    }

    [TestMethod]
    public void PredictionEngineGivesTheBatchScores()
    {
        var ml = new MLContext(seed: 1);
        var (keys, model, _) = SmallData.Fit(ml, SmallData.Rows(200, seed: 1), SmallData.Options());
        var pipeline = keys.Append(model);
        var rows = SmallData.Rows(5, seed: 9);
        var batch = Score(ml, pipeline, ml.Data.LoadFromEnumerable(rows));
        var engine = ml.Model.CreatePredictionEngine<SmallData.Row, Scored>(pipeline);
        for (int i = 0; i < rows.Length; i++)
        {
            var p = engine.Predict(rows[i]);
            Assert.AreEqual(batch[i].Score, p.Score);
            Assert.AreEqual(batch[i].PredictedLabel, p.PredictedLabel);
        }
    }

    [TestMethod]
    public void GetOutputSchemaEqualsTheRealOutputSchema()
    {
        var ml = new MLContext(seed: 1);
        var (_, model, keyed) = SmallData.Fit(ml, SmallData.Rows(50, seed: 1), SmallData.Options(o => o.NumberOfEpochs = 1));
        var estimator = ml.Recommenders().Trainers.WideAndDeep(SmallData.Options());
        var shape = estimator.GetOutputSchema(Shapes.Of(keyed.Schema));
        var actual = Shapes.Of(model.Transform(keyed).Schema);
        CollectionAssert.AreEqual(actual.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray());
        foreach (var expected in actual)
        {
            var c = shape.Single(s => s.Name == expected.Name);
            Assert.AreEqual(expected.Kind, c.Kind, expected.Name);
            Assert.AreEqual(expected.ItemType, c.ItemType, expected.Name);
            Assert.AreEqual(expected.IsKey, c.IsKey, expected.Name);
        }
        var output = model.Transform(keyed).Schema;
        Assert.AreEqual(NumberDataViewType.Single, output["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Single, output["Probability"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, output["PredictedLabel"].Type);
        Assert.IsNull(output.GetColumnOrNull("__mlnetrec_wd_params"));
    }

    [TestMethod]
    public void UnknownCategoryUsesTheUnknownRowLikeAMissingValue()
    {
        var ml = new MLContext(seed: 1);
        var (keys, model, _) = SmallData.Fit(ml, SmallData.Rows(200, seed: 1), SmallData.Options());
        var pipeline = keys.Append(model);
        var unseen = new SmallData.Row { Wide = [1f, 0f, 1f], Color = "green", Size = 0.2f };
        var missing = unseen with { Color = "" };
        var scores = Score(ml, pipeline, ml.Data.LoadFromEnumerable(new[] { unseen, missing }));
        // "green" was never seen by MapValueToKey, so it is key 0 like the empty (missing) value: row 0 of the table.
        Assert.IsTrue(float.IsFinite(scores[0].Score));
        Assert.AreEqual(scores[1].Score, scores[0].Score);
        Assert.IsTrue(model.Parameters.Embeddings[0].Row(0).ToArray().All(v => v == 0f), "row 0 is never trained here and stays zero");
    }

    [TestMethod]
    public void NaNContinuousValueIsRejectedNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmallData.Rows(20, seed: 1);
        var (keys, model, _) = SmallData.Fit(ml, rows, SmallData.Options(o => o.NumberOfEpochs = 1));
        var bad = keys.Transform(ml.Data.LoadFromEnumerable(new[] { rows[0] with { Size = float.NaN } }));
        // ML.NET's cursors over the chain may run on its splitter/consolidator threads, which wrap the
        // InvalidDataException in their InvalidOperationException; the message still names the column.
        var scoring = Assert.Throws<Exception>(() => Score(ml, model, bad));
        var inner = scoring as InvalidDataException ?? scoring.InnerException as InvalidDataException;
        Assert.IsNotNull(inner, scoring.ToString());
        StringAssert.Contains(inner.Message, "'Size'");
        var engine = ml.Model.CreatePredictionEngine<SmallData.Row, Scored>(keys.Append(model));
        var single = Assert.ThrowsExactly<InvalidDataException>(() => engine.Predict(rows[0] with { Size = float.PositiveInfinity }));
        StringAssert.Contains(single.Message, "'Size'");

        rows[3] = rows[3] with { Size = float.NaN };
        var training = Assert.ThrowsExactly<InvalidDataException>(() => SmallData.Fit(ml, rows, SmallData.Options()));
        StringAssert.Contains(training.Message, "'Size'");
        StringAssert.Contains(training.Message, "row 4");
    }

    private sealed class NumericLabelRow
    {
        [VectorType(2)] public float[] Wide { get; set; } = [1f, 0f];
        public float Label { get; set; }
    }

    private sealed class TextLabelRow
    {
        [VectorType(2)] public float[] Wide { get; set; } = [1f, 0f];
        public string Label { get; set; } = "yes";
    }

    [TestMethod]
    public void LabelsMustBeBooleanOrZeroOne()
    {
        var ml = new MLContext(seed: 1);
        var wideOnly = new WideAndDeepOptions { Mode = WideAndDeepMode.WideOnly, NumberOfEpochs = 1 };
        var ok = ml.Data.LoadFromEnumerable(new[] { new NumericLabelRow { Label = 1 }, new NumericLabelRow { Label = 0 } });
        ml.Recommenders().Trainers.WideAndDeep(wideOnly).Fit(ok);

        var two = ml.Data.LoadFromEnumerable(new[] { new NumericLabelRow { Label = 1 }, new NumericLabelRow { Label = 2 } });
        var value = Assert.ThrowsExactly<InvalidDataException>(() => ml.Recommenders().Trainers.WideAndDeep(wideOnly).Fit(two));
        StringAssert.Contains(value.Message, "row 2");
        StringAssert.Contains(value.Message, "must be 0 or 1");

        var text = ml.Data.LoadFromEnumerable(new[] { new TextLabelRow() });
        var type = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.WideAndDeep(wideOnly).Fit(text));
        StringAssert.Contains(type.Message, "'Label'");
        StringAssert.Contains(type.Message, "Boolean");
    }

    [TestMethod]
    public void EmptyDataMissingColumnsAndBadOptionsGiveClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var empty = SmallData.Keys(ml).Fit(ml.Data.LoadFromEnumerable(SmallData.Rows(5, 1)))
            .Transform(ml.Data.LoadFromEnumerable(Array.Empty<SmallData.Row>()));
        var noRows = Assert.ThrowsExactly<InvalidDataException>(() => ml.Recommenders().Trainers.WideAndDeep(SmallData.Options()).Fit(empty));
        StringAssert.Contains(noRows.Message, "no rows");

        var raw = ml.Data.LoadFromEnumerable(SmallData.Rows(5, 1));
        var notKey = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Recommenders().Trainers.WideAndDeep(SmallData.Options(o => o.CategoricalColumnNames = ["Color"])).Fit(raw));
        StringAssert.Contains(notKey.Message, "MapValueToKey(\"Color\")");
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Recommenders().Trainers.WideAndDeep(SmallData.Options(o => o.ContinuousColumnNames = ["Nope"])).GetOutputSchema(Shapes.Of(SmallData.Keys(ml).Fit(raw).Transform(raw).Schema)));
        StringAssert.Contains(missing.Message, "'Nope'", missing.Message);

        var option = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.WideAndDeep(SmallData.Options(o => o.EmbeddingDimension = 0)));
        StringAssert.Contains(option.Message, "EmbeddingDimension");
        var noDeep = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.WideAndDeep(new WideAndDeepOptions()));
        StringAssert.Contains(noDeep.Message, "CategoricalColumnNames");
        StringAssert.Contains(noDeep.Message, "Mode = WideOnly");
    }

    [TestMethod]
    public void DivergenceStopsWithTheEpochNamed()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmallData.Rows(4, 1).Select(r => r with { Wide = [3e38f, 3e38f, 1f] }).ToArray();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() =>
            SmallData.Fit(ml, rows, SmallData.Options(o => { o.BatchSize = 1; o.FtrlAlpha = 100f; })));
        StringAssert.Contains(error.Message, "epoch 1");
        StringAssert.Contains(error.Message, "Lower");
    }

    [TestMethod]
    public void FixedSeedGivesIdenticalModelsAndProgressIsReported()
    {
        var ml = new MLContext(seed: 1);
        var rows = SmallData.Rows(100, seed: 1);
        var reports = new List<WideAndDeepProgress>();
        var a = SmallData.Fit(ml, rows, SmallData.Options(o => { o.NumberOfEpochs = 3; o.Progress = new Sink(reports); }));
        var b = SmallData.Fit(ml, rows, SmallData.Options(o => o.NumberOfEpochs = 3));
        CollectionAssert.AreEqual(Score(ml, a.Model, a.Keyed).Select(s => s.Score).ToArray(), Score(ml, b.Model, b.Keyed).Select(s => s.Score).ToArray());
        Assert.HasCount(3, reports);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, reports.Select(r => r.Epoch).ToArray());
        Assert.IsLessThan(reports[0].TrainingLoss, reports[2].TrainingLoss);
        Assert.IsNull(reports[0].ValidationAuc);
    }

    [TestMethod]
    public void ValidationDataReportsLogLossAndAuc()
    {
        var ml = new MLContext(seed: 1);
        var (keys, _, keyed) = SmallData.Fit(ml, SmallData.Rows(300, seed: 1), SmallData.Options(o => o.NumberOfEpochs = 1));
        var valid = keys.Transform(ml.Data.LoadFromEnumerable(SmallData.Rows(200, seed: 5)));
        var model = ml.Recommenders().Trainers.WideAndDeep(SmallData.Options(o => o.NumberOfEpochs = 5)).Fit(keyed, valid);
        var last = model.TrainingHistory[^1];
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(valid));
        // The trainer's validation AUC is computed from its batched forward pass; the chain's row scorer agrees closely.
        Assert.AreEqual(metrics.AreaUnderRocCurve, last.ValidationAuc!.Value, 0.01);
        Assert.AreEqual(metrics.LogLoss * Math.Log(2), last.ValidationLogLoss!.Value, 0.01);
    }

    [TestMethod]
    public void WideOnlyAndDeepOnlyModelsScoreAndSave()
    {
        var ml = new MLContext(seed: 1);
        foreach (var mode in new[] { WideAndDeepMode.WideOnly, WideAndDeepMode.DeepOnly })
        {
            var (keys, model, keyed) = SmallData.Fit(ml, SmallData.Rows(200, seed: 1), SmallData.Options(o => o.Mode = mode));
            Assert.AreEqual(mode == WideAndDeepMode.WideOnly, model.Parameters.LayerWeights.Count == 0);
            Assert.AreEqual(mode == WideAndDeepMode.DeepOnly, model.Parameters.WideWeights.Count == 0);
            using var stream = new MemoryStream();
            ml.Model.Save(model, keyed.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            CollectionAssert.AreEqual(Score(ml, model, keyed).Select(s => s.Score).ToArray(), Score(ml, loaded, keyed).Select(s => s.Score).ToArray(), mode.ToString());
            Assert.IsGreaterThan(0.8, ml.BinaryClassification.Evaluate(model.Transform(keyed)).AreaUnderRocCurve, mode.ToString());
        }
    }

    private sealed class Sink(List<WideAndDeepProgress> reports) : IProgress<WideAndDeepProgress>
    {
        public void Report(WideAndDeepProgress value) => reports.Add(value);
    }
}
