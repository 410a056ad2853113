using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class FactorizationContractTests
{
    private static readonly InteractionData Small = new(3, 4, [0, 0, 1, 2, 2], [0, 1, 2, 3, 0], [5f, 3f, 4f, 1f, 2f]);

    // SchemaShape.Create(DataViewSchema) is internal to ML.NET (third parties cannot build a SchemaShape); tests reach it by reflection.
    private static SchemaShape SchemaShapeOf(IDataView view) => (SchemaShape)typeof(SchemaShape)
        .GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public, [typeof(DataViewSchema)])!
        .Invoke(null, [view.Schema])!;

    private static void AssertShapeMatches(SchemaShape shape, DataViewSchema actual)
    {
        var visible = actual.Where(c => !c.IsHidden).ToList();
        Assert.HasCount(visible.Count, shape, string.Join(", ", shape.Select(c => c.Name)));
        foreach (var col in visible)
        {
            var s = shape.Single(c => c.Name == col.Name);
            Assert.AreEqual(col.Type is KeyDataViewType, s.IsKey, col.Name);
            Assert.AreEqual((col.Type is VectorDataViewType v ? v.ItemType : col.Type).RawType, s.ItemType.RawType, col.Name);
        }
        Assert.AreEqual(typeof(float), shape.Single(c => c.Name == "Score").ItemType.RawType);
    }

    [TestMethod]
    public void GetOutputSchemaEqualsTheActualOutputSchema()
    {
        var ml = new MLContext(1);
        var view = Small.ToDataView(ml);
        var shape = SchemaShapeOf(view);
        var mf = ml.Recommenders().Trainers.MatrixFactorization(InteractionColumns.Label, InteractionColumns.Item, InteractionColumns.User, approximationRank: 2);
        AssertShapeMatches(mf.GetOutputSchema(shape), mf.Fit(view).Transform(view).Schema);
        var als = ml.Recommenders().Trainers.ImplicitAls(approximationRank: 2, numberOfIterations: 2);
        var model = als.Fit(view);
        AssertShapeMatches(als.GetOutputSchema(shape), model.Transform(view).Schema);
        Assert.AreEqual(model.Transform(view).Schema["Score"].Type, model.GetOutputSchema(view.Schema)["Score"].Type);
    }

    [TestMethod]
    public void NonKeyUserColumnIsRejectedByGetOutputSchemaAndFit()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new { UserId = 1f, ItemId = 2f, Label = 1f } });
        var mf = ml.Recommenders().Trainers.MatrixFactorization(InteractionColumns.Label, InteractionColumns.Item, InteractionColumns.User);
        var ex1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mf.GetOutputSchema(SchemaShapeOf(view)));
        StringAssert.Contains(ex1.Message, "'UserId'");
        StringAssert.Contains(ex1.Message, "MapValueToKey");
        var ex2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mf.Fit(view));
        StringAssert.Contains(ex2.Message, "'UserId'");
    }

    [TestMethod]
    public void NaNLabelAndEmptyDataAreRejectedNamingTheColumn()
    {
        var ml = new MLContext(1);
        var mf = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { NumberOfThreads = 1 });
        var nan = new InteractionData(2, 2, [0, 1], [0, 1], [1f, float.NaN]).ToDataView(ml);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => mf.Fit(nan));
        StringAssert.Contains(ex.Message, "Row 1");
        StringAssert.Contains(ex.Message, "'Label'");
        var empty = ml.Data.FilterRowsByColumn(Small.ToDataView(ml), InteractionColumns.Label, 100, 200);
        var ex2 = Assert.ThrowsExactly<InvalidDataException>(() => mf.Fit(empty));
        StringAssert.Contains(ex2.Message, "no rows");
        var negative = new InteractionData(2, 2, [0, 1], [0, 1], [1f, -2f]).ToDataView(ml);
        var ex3 = Assert.ThrowsExactly<InvalidDataException>(() =>
            ml.Recommenders().Trainers.ImplicitAls(labelColumnName: InteractionColumns.Label).Fit(negative));
        StringAssert.Contains(ex3.Message, "Row 1");
    }

    [TestMethod]
    public void OutOfRangeOptionsNameTheOptionAndValue()
    {
        var ml = new MLContext(1);
        var t = ml.Recommenders().Trainers;
        var rank = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.MatrixFactorization("Label", "ItemId", "UserId", approximationRank: 0));
        Assert.AreEqual("ApproximationRank", rank.ParamName);
        StringAssert.Contains(rank.Message, "is 0");
        var lambda = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.MatrixFactorization(new MatrixFactorizationTrainer.Options { Lambda = -1 }));
        Assert.AreEqual("Lambda", lambda.ParamName);
        var lr = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.MatrixFactorization("Label", "ItemId", "UserId", learningRate: 0));
        Assert.AreEqual("LearningRate", lr.ParamName);
        var w0 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ImplicitAls(new ImplicitAlsTrainer.Options { UnobservedWeight = -0.5 }));
        Assert.AreEqual("UnobservedWeight", w0.ParamName);
        var same = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ImplicitAls("Id", "Id"));
        StringAssert.Contains(same.Message, "must differ");
    }
}
