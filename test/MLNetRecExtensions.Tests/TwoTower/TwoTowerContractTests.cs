using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>The estimator/transformer contract: schema, save/load, PredictionEngine, progress, determinism, bad inputs.</summary>
[TestClass]
public sealed class TwoTowerContractTests
{
    private sealed class RawRow
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static TwoTowerOptions Small(int epochs = 3) => new() { EmbeddingDimension = 8, NumberOfEpochs = epochs, BatchSize = 16 };

    private static RawRow[] RawRows() =>
        TwoTowerTestData.TwoGroups(users: 20, items: 12, perUser: 4).Users
            .Zip(TwoTowerTestData.TwoGroups(users: 20, items: 12, perUser: 4).Items, (u, i) => new RawRow { User = $"u{u}", Item = $"i{i}" })
            .ToArray();

    private static IEstimator<ITransformer> Pipeline(MLContext ml, TwoTowerOptions options) =>
        ml.Transforms.Conversion.MapValueToKey("UserId", nameof(RawRow.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(RawRow.Item)))
            .Append(ml.Recommenders().Trainers.TwoTower(options));

    [TestMethod]
    public void SaveLoadGivesIdenticalScoresAndUnknownsUseTheDocumentedFallbacks()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(RawRows());
        var model = Pipeline(ml, Small()).Fit(data);
        var twoTower = (TwoTowerTransformer)((IEnumerable<ITransformer>)model).Last();
        var path = Path.Combine(Path.GetTempPath(), $"twotower-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(2).Model.Load(path, out _);
            var probe = ml.Data.LoadFromEnumerable(RawRows().Append(new RawRow { User = "new-user", Item = "i3" }).Append(new RawRow { User = "u1", Item = "new-item" }));
            var before = model.Transform(probe).GetColumn<float>("Score").ToArray();
            var after = loaded.Transform(probe).GetColumn<float>("Score").ToArray();
            CollectionAssert.AreEqual(before, after);
            // The new user scores with the fallback embedding; the new item scores 0.
            var itemKey = model.Transform(probe).GetColumn<uint>("ItemId").ToArray()[^2];
            float expected = System.Numerics.Tensors.TensorPrimitives.Dot<float>(twoTower.FallbackUserEmbedding, twoTower.ItemEmbeddings.Row((int)itemKey - 1));
            Assert.AreEqual(expected, after[^2], 1e-6f);
            Assert.AreEqual(0f, after[^1]);
            Assert.IsTrue(after.All(float.IsFinite));
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void PredictionEngineScoresEqualUserItemCosines()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(RawRows());
        var model = Pipeline(ml, Small()).Fit(data);
        var twoTower = (TwoTowerTransformer)((IEnumerable<ITransformer>)model).Last();
        var engine = ml.Model.CreatePredictionEngine<RawRow, Prediction>(model);
        var keyed = model.Transform(ml.Data.LoadFromEnumerable(new[] { new RawRow { User = "u3", Item = "i2" } }));
        int u = (int)keyed.GetColumn<uint>("UserId").First() - 1, i = (int)keyed.GetColumn<uint>("ItemId").First() - 1;
        float cosine = System.Numerics.Tensors.TensorPrimitives.Dot<float>(twoTower.UserEmbeddings.Row(u), twoTower.ItemEmbeddings.Row(i));
        Assert.AreEqual(cosine, engine.Predict(new RawRow { User = "u3", Item = "i2" }).Score, 1e-6f);
        // Cosine embeddings have unit rows.
        Assert.AreEqual(1f, System.Numerics.Tensors.TensorPrimitives.Norm(twoTower.UserEmbeddings.Row(u)), 1e-5f);
        Assert.AreEqual(1f, System.Numerics.Tensors.TensorPrimitives.Norm(twoTower.ItemEmbeddings.Row(i)), 1e-5f);
    }

    [TestMethod]
    public void OutputSchemaShapeMatchesTheRealOutputSchema()
    {
        var ml = new MLContext(1);
        var options = new TwoTowerOptions
        {
            EmbeddingDimension = 4, NumberOfEpochs = 1, BatchSize = 4,
            CategoricalColumnNames = ["Occupation"], ContinuousColumnNames = ["Age"],
            ItemCategoricalColumnNames = ["Kind"], ItemContinuousColumnNames = ["Flags"],
        };
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var estimator = ml.Recommenders().Trainers.TwoTower(options);
        var shape = estimator.GetOutputSchema(Shapes.Of(view.Schema));
        var actual = estimator.Fit(view).Transform(view).Schema;
        CollectionAssert.AreEqual(shape.Select(c => c.Name).ToArray(), actual.Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Single, actual["Score"].Type);
    }

    [TestMethod]
    public void AFixedSeedGivesIdenticalEmbeddingsAndProgressIsReportedEveryEpoch()
    {
        var ml = new MLContext(1);
        var view = TwoTowerTestData.TwoGroups().ToDataView(ml);
        var reports = new List<TwoTowerProgress>();
        var first = Small(epochs: 4);
        first.Progress = new SynchronousProgress(reports.Add);
        var a = ml.Recommenders().Trainers.TwoTower(first).Fit(view, view);
        var b = ml.Recommenders().Trainers.TwoTower(Small(epochs: 4)).Fit(view);
        CollectionAssert.AreEqual(a.UserEmbeddings.Values, b.UserEmbeddings.Values);
        CollectionAssert.AreEqual(a.ItemEmbeddings.Values, b.ItemEmbeddings.Values);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, reports.Select(r => r.Epoch).ToArray());
        Assert.IsTrue(reports.All(r => double.IsFinite(r.Loss) && r.ValidationRecall is >= 0 and <= 1));
        Assert.IsTrue(reports[^1].Loss < reports[0].Loss, $"loss should fall: {reports[0].Loss} → {reports[^1].Loss}");
    }

    [TestMethod]
    public void EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement()
    {
        var ml = new MLContext(1);
        var view = TwoTowerTestData.TwoGroups().ToDataView(ml);
        var reports = new List<TwoTowerProgress>();
        var options = Small(epochs: 40);
        options.EarlyStoppingPatience = 2;
        options.Progress = new SynchronousProgress(reports.Add);
        // Validating on the training rows (all excluded as seen items) gives Recall 0 every epoch: no improvement after epoch 1.
        ml.Recommenders().Trainers.TwoTower(options).Fit(view, view);
        Assert.AreEqual(3, reports.Count);
    }

    [TestMethod]
    public void DivergenceNamesTheEpochAndSuggestsASmallerLearningRate()
    {
        var ml = new MLContext(1);
        var view = TwoTowerTestData.TwoGroups().ToDataView(ml);
        var options = Small(epochs: 5);
        options.Similarity = TwoTowerSimilarity.Dot;
        options.LearningRate = 1e30f;
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Recommenders().Trainers.TwoTower(options).Fit(view));
        StringAssert.Contains(ex.Message, "epoch");
        StringAssert.Contains(ex.Message, "smaller LearningRate");
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedNamingTheOption()
    {
        var ml = new MLContext(1);
        (TwoTowerOptions Options, string Name)[] cases =
        [
            (new() { EmbeddingDimension = 0 }, "EmbeddingDimension"),
            (new() { Temperature = 0 }, "Temperature"),
            (new() { Loss = TwoTowerLoss.SampledSoftmax }, "SharedNegatives"),
            (new() { UseUserId = false, UseTrainingHistory = false }, "UseUserId"),
            (new() { BatchSize = 1 }, "BatchSize"),
            (new() { LearningRate = float.NaN }, "LearningRate"),
            (new() { UserHiddenLayers = [0] }, "UserHiddenLayers"),
        ];
        foreach (var (options, name) in cases)
        {
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(options));
            StringAssert.Contains(ex.Message, name);
        }
        var view = TwoTowerTestData.TwoGroups().ToDataView(ml);
        var early = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EarlyStoppingPatience = 2 }).Fit(view));
        StringAssert.Contains(early.Message, "validation");
    }

    private sealed class NanRow
    {
        [KeyType(3)] public uint UserId { get; set; }
        [KeyType(3)] public uint ItemId { get; set; }
        public float Age { get; set; }
        public string Name { get; set; } = "";
        [KeyType(5)] public uint[] History { get; set; } = [];
    }

    [TestMethod]
    public void BadFeatureColumnsFailWithMessagesNamingTheColumn()
    {
        var ml = new MLContext(1);
        var rows = new[]
        {
            new NanRow { UserId = 0, ItemId = 1, Age = 3, History = [1] },
            new NanRow { UserId = 1, ItemId = 2, Age = float.NaN, History = [] },
        };
        var view = ml.Data.LoadFromEnumerable(rows);
        var nan = Assert.ThrowsExactly<InvalidDataException>(() =>
            new TwoTowerEstimator(ml, new TwoTowerOptions { ContinuousColumnNames = ["Age"], NumberOfEpochs = 1 }).Fit(view));
        StringAssert.Contains(nan.Message, "'Age'");
        StringAssert.Contains(nan.Message, "Row 1");

        var wrongType = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoTowerEstimator(ml, new TwoTowerOptions { CategoricalColumnNames = ["Name"], NumberOfEpochs = 1 }).Fit(view));
        StringAssert.Contains(wrongType.Message, "'Name'");
        var wrongShape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoTowerEstimator(ml, new TwoTowerOptions { ContinuousColumnNames = ["Name"] }).GetOutputSchema(Shapes.Of(view.Schema)));
        StringAssert.Contains(wrongShape.Message, "'Name'");

        // History keys from another key space (5 values) than the item column (3 items).
        var history = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoTowerEstimator(ml, new TwoTowerOptions { HistoryColumnName = "History", NumberOfEpochs = 1 }).Fit(view));
        StringAssert.Contains(history.Message, "'History'");
        StringAssert.Contains(history.Message, "same item key mapping");

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoTowerEstimator(ml, new TwoTowerOptions { TokenColumnName = "Tokens", NumberOfEpochs = 1 }).Fit(view));
        StringAssert.Contains(missing.Message, "'Tokens'");
    }

    [TestMethod]
    public void ColdStartEmbeddingsComeFromFeaturesAndBadIndicesAreRejected()
    {
        var ml = new MLContext(1);
        var options = new TwoTowerOptions
        {
            EmbeddingDimension = 4, NumberOfEpochs = 2, BatchSize = 4,
            CategoricalColumnNames = ["Occupation"], ContinuousColumnNames = ["Age"],
        };
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var model = ml.Recommenders().Trainers.TwoTower(options).Fit(view);

        // Empty inputs (no ID, no history, missing categorical, mean age) are exactly the fallback vector.
        CollectionAssert.AreEqual(model.FallbackUserEmbedding, model.ComputeUserEmbedding(new TwoTowerUserFeatures()));
        // A known user with its own last-row features and training history reproduces its table row.
        var known = model.ComputeUserEmbedding(new TwoTowerUserFeatures { User = 2, Categoricals = [2], Continuous = [30f] });
        CollectionAssert.AreEqual(model.UserEmbeddings.Row(2).ToArray(), known);
        // A new user's features change its embedding, and it is unit length (cosine).
        var a = model.ComputeUserEmbedding(new TwoTowerUserFeatures { Categoricals = [0], Continuous = [20f], History = [1, 2] });
        var b = model.ComputeUserEmbedding(new TwoTowerUserFeatures { Categoricals = [1], Continuous = [45f], History = [] });
        CollectionAssert.AreNotEqual(a, b);
        Assert.AreEqual(1f, System.Numerics.Tensors.TensorPrimitives.Norm<float>(a), 1e-5f);
        // The IDataView route over the training rows: row 11 is user 5's last row, so it reproduces user 5's table row.
        var table = model.ComputeUserEmbeddings(view);
        CollectionAssert.AreEqual(model.UserEmbeddings.Row(5).ToArray(), table.Row(11).ToArray(), "row 11 is user 5's last row");

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ComputeUserEmbedding(new TwoTowerUserFeatures { History = [8] }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ComputeUserEmbedding(new TwoTowerUserFeatures { Categoricals = [3] }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ComputeUserEmbedding(new TwoTowerUserFeatures { Continuous = [float.NaN] }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ComputeUserEmbedding(new TwoTowerUserFeatures { User = 6 }));
    }

    private sealed class SynchronousProgress(Action<TwoTowerProgress> report) : IProgress<TwoTowerProgress>
    {
        public void Report(TwoTowerProgress value) => report(value);
    }
}
