using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class MatrixFactorizationPersistenceTests
{
    public sealed class Rating
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public float Stars { get; set; }
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static Rating[] Ratings(int users, int items, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Rating>();
        for (int u = 0; u < users; u++)
            for (int i = 0; i < items; i++)
                if (random.NextDouble() < 0.4) rows.Add(new Rating { User = $"u{u}", Item = $"i{i}", Stars = 1 + random.Next(5) });
        return rows.ToArray();
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, IEstimator<MatrixFactorizationModel> trainer) =>
        ml.Transforms.Conversion.MapValueToKey("UserKey", "User")
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemKey", "Item"))
            .Append(trainer)
            .Append(ml.Transforms.CopyColumns("Prediction", "Score"));

    private static float[] Scores(IDataView scored) => scored.GetColumn<float>("Score").ToArray();

    private static void AssertRoundTrip(MLContext ml, IEstimator<MatrixFactorizationModel> trainer, Func<MatrixFactorizationModel, int, int, float> expectedFallback)
    {
        var train = ml.Data.LoadFromEnumerable(Ratings(30, 20, 1));
        var pipeline = Pipeline(ml, trainer).Fit(train);
        var model = ((IEnumerable<ITransformer>)pipeline).OfType<MatrixFactorizationModel>().Single();
        // All known pairs plus unknown users, unknown items and both unknown.
        var probe = new List<Rating>();
        foreach (var u in Enumerable.Range(0, 31)) foreach (var i in Enumerable.Range(0, 21)) probe.Add(new Rating { User = $"u{u}", Item = $"i{i}" });
        var probeView = ml.Data.LoadFromEnumerable(probe);
        var before = Scores(pipeline.Transform(probeView));

        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-mf-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(ml, pipeline, train.Schema, path);
            var loaded = ml.Model.Load(path, out var schema);
            var after = Scores(loaded.Transform(probeView));
            Assert.HasCount(probe.Count, after);
            for (int k = 0; k < before.Length; k++)
            {
                Assert.IsTrue(float.IsFinite(before[k]), $"row {k} is {before[k]}");
                Assert.AreEqual(BitConverter.SingleToInt32Bits(before[k]), BitConverter.SingleToInt32Bits(after[k]), $"row {k}");
            }
            var prediction = loaded.Transform(probeView).GetColumn<float>("Prediction").ToArray();
            CollectionAssert.AreEqual(after, prediction);

            // PredictionEngine on the loaded pipeline, and the typed model read back from the extra entry.
            var engine = ml.Model.CreatePredictionEngine<Rating, Prediction>(loaded, schema);
            var typed = MatrixFactorizationModel.Load(ml, path);
            CollectionAssert.AreEqual(model.UserFactors.Values, typed.UserFactors.Values);
            CollectionAssert.AreEqual(model.ItemFactors.Values, typed.ItemFactors.Values);
            // Key order: MapValueToKey numbers values in order of appearance; resolve via the key column.
            var keys = pipeline.Transform(probeView);
            var userKeys = keys.GetColumn<uint>("UserKey").ToArray();
            var itemKeys = keys.GetColumn<uint>("ItemKey").ToArray();
            for (int k = 0; k < probe.Count; k++)
            {
                int u = (int)userKeys[k] - 1, i = (int)itemKeys[k] - 1;
                Assert.AreEqual(before[k], typed.Score(u, i), $"typed score row {k}");
                Assert.AreEqual(before[k], engine.Predict(probe[k]).Score, $"engine row {k}");
                if (u < 0 || i < 0) Assert.AreEqual(expectedFallback(model, u, i), before[k], 1e-6f, $"fallback row {k} (user {u}, item {i})");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ExplicitPipelineRoundTripsBitIdenticallyWithBiasFallbacks()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
        {
            LabelColumnName = "Stars", MatrixColumnIndexColumnName = "ItemKey", MatrixRowIndexColumnName = "UserKey",
            ApproximationRank = 4, NumberOfThreads = 1,
        });
        // Unknown user: μ + b_i; unknown item: μ + b_u; both: μ.
        AssertRoundTrip(ml, trainer, (m, u, i) =>
            m.GlobalMean + (u >= 0 ? m.UserBiases![u] : 0) + (i >= 0 ? m.ExplicitItemBiases![i] : 0));
    }

    [TestMethod]
    public void ImplicitPipelineRoundTripsBitIdenticallyWithPopularityFallback()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            MatrixColumnIndexColumnName = "ItemKey", MatrixRowIndexColumnName = "UserKey", ApproximationRank = 4, NumberOfIterations = 3, Lambda = 1,
        });
        // Unknown user: the item's share of the training rows; unknown item: 0.
        AssertRoundTrip(ml, trainer, (m, u, i) => u < 0 && i >= 0 ? m.ItemPopularity![i] : 0f);
    }

    [TestMethod]
    public void PlainMLNetModelHasNoTypedStateAndSaysSo()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(Ratings(5, 5, 2));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("UserKey", "User").Fit(train);
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-plain-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(pipeline, train.Schema, path);
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => MatrixFactorizationModel.Load(ml, path));
            StringAssert.Contains(ex.Message, RecModelFile.StateEntryName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ScoringDataWithOtherKeyCardinalityIsRejected()
    {
        var ml = new MLContext(1);
        var data = new MLNetRecExtensions.Data.InteractionData(3, 4, [0, 1, 2], [0, 1, 3], [1f, 2f, 3f]);
        var model = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { ApproximationRank = 2, NumberOfThreads = 1 })
            .Fit(data.ToDataView(ml));
        var other = new MLNetRecExtensions.Data.InteractionData(5, 4, [0], [0], [1f]).ToDataView(ml);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(other));
        StringAssert.Contains(ex.Message, "'UserId' has 5 key values but the model was trained on 3");
    }
}
