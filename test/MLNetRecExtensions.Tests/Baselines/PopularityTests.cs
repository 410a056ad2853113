using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Baselines;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Baselines;

[TestClass]
public sealed class PopularityTests
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

    // Users a, b, c; item x seen by a, b, c (3), y by a and b (2), z by c (1); a sees x twice (still 3 users).
    private static readonly RawRow[] Rows =
    [
        new() { User = "a", Item = "x" }, new() { User = "a", Item = "x" }, new() { User = "a", Item = "y" },
        new() { User = "b", Item = "x" }, new() { User = "b", Item = "y" },
        new() { User = "c", Item = "x" }, new() { User = "c", Item = "z" },
    ];

    private static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("UserId", nameof(RawRow.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(RawRow.Item)))
            .Append(ml.Recommenders().Trainers.Popularity());

    [TestMethod]
    public void ScoresAreDistinctUserCountsAndUnknownItemsScoreZero()
    {
        var ml = new MLContext(1);
        var model = Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(Rows));
        var engine = ml.Model.CreatePredictionEngine<RawRow, Prediction>(model);
        Assert.AreEqual(3f, engine.Predict(new RawRow { User = "b", Item = "x" }).Score);
        Assert.AreEqual(2f, engine.Predict(new RawRow { User = "c", Item = "y" }).Score);
        Assert.AreEqual(1f, engine.Predict(new RawRow { User = "new-user", Item = "z" }).Score);
        Assert.AreEqual(0f, engine.Predict(new RawRow { User = "a", Item = "unknown-item" }).Score);
    }

    [TestMethod]
    public void SaveLoadReproducesScoresExactly()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var model = Pipeline(ml).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"popularity-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(2).Model.Load(path, out _);
            var probe = ml.Data.LoadFromEnumerable(Rows.Append(new RawRow { User = "zz", Item = "unknown" }));
            var before = model.Transform(probe).GetColumn<float>("Score").ToArray();
            var after = loaded.Transform(probe).GetColumn<float>("Score").ToArray();
            CollectionAssert.AreEqual(before, after);
            CollectionAssert.AreEqual(new[] { 3f, 3f, 2f, 3f, 2f, 3f, 1f, 0f }, after);
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void OutputSchemaShapeMatchesTheRealOutputSchema()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var keyed = ml.Transforms.Conversion.MapValueToKey("UserId", nameof(RawRow.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(RawRow.Item))).Fit(data).Transform(data);
        var estimator = ml.Recommenders().Trainers.Popularity();
        var shape = estimator.GetOutputSchema(Shapes.Of(keyed.Schema));
        var actual = estimator.Fit(keyed).Transform(keyed).Schema;
        CollectionAssert.AreEqual(shape.Select(c => c.Name).ToArray(), actual.Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Single, actual["Score"].Type);
    }

    [TestMethod]
    public void ItemBiasesRankByPopularity()
    {
        var ml = new MLContext(1);
        var data = new InteractionData(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 2], [1, 1, 1, 1, 1, 1]);
        var model = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
        CollectionAssert.AreEqual(new[] { 3f, 2f, 1f }, model.ItemBiases);
        Assert.AreEqual(0, model.ItemEmbeddings.Dimension);
    }

    [TestMethod]
    public void StringUserColumnIsRejectedByName()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var estimator = ml.Recommenders().Trainers.Popularity(userColumnName: nameof(RawRow.User), itemColumnName: nameof(RawRow.Item));
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        StringAssert.Contains(ex.Message, "'User'");
        var shapeEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Shapes.Of(data.Schema)));
        StringAssert.Contains(shapeEx.Message, "'User'");
    }

    [TestMethod]
    public void ScoringDataWithAnotherKeySpaceIsRejected()
    {
        var ml = new MLContext(1);
        var train = new InteractionData(3, 3, [0, 1, 2], [0, 1, 2], [1, 1, 1]).ToDataView(ml);
        var other = new InteractionData(3, 5, [0], [4], [1]).ToDataView(ml);
        var model = ml.Recommenders().Trainers.Popularity().Fit(train);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(other));
        StringAssert.Contains(ex.Message, "'ItemId' has 5 key values but the model was trained on 3");
    }
}
