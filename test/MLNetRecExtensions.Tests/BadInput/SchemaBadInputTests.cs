using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Data views with missing or mistyped columns and bad values: the column, the expected type or the row is named.</summary>
[TestClass]
public sealed class SchemaBadInputTests
{
    private sealed class RawRow
    {
        public float UserId { get; set; }
        public float ItemId { get; set; }
        public float Label { get; set; }
    }

    private sealed class KeyRow
    {
        [KeyType(3)] public uint UserId { get; set; }
        [KeyType(3)] public uint ItemId { get; set; }
        public float Label { get; set; }
    }

    private sealed class TextLabelRow
    {
        [KeyType(3)] public uint UserId { get; set; }
        [KeyType(3)] public uint ItemId { get; set; }
        public string Label { get; set; } = "";
    }

    private static IDataView Raw(MLContext ml) => ml.Data.LoadFromEnumerable([new RawRow { UserId = 1, ItemId = 2, Label = 3 }]);

    private static IDataView Keys(MLContext ml, params (uint U, uint I, float L)[] rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new KeyRow { UserId = r.U, ItemId = r.I, Label = r.L }));

    [TestMethod]
    public void NumericIdColumnIsNotAKey() =>
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = new MLContext(1).Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options()).Fit(Raw(new MLContext(1))),
            "'UserId'", "UInt32 key", "Single", "MapValueToKey(\"UserId\")");

    [TestMethod]
    public void MissingItemColumnListsTheAvailableOnes()
    {
        var ml = new MLContext(1);
        var options = new ImplicitAlsTrainer.Options { MatrixColumnIndexColumnName = "Movie" };
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = ml.Recommenders().Trainers.ImplicitAls(options).Fit(Keys(ml, (0, 1, 1))),
            "'Movie' was not found", "UserId, ItemId, Label");
    }

    [TestMethod]
    public void TextLabelIsNotARating()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable([new TextLabelRow { UserId = 0, ItemId = 1, Label = "good" }]);
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options()).Fit(view),
            "label column 'Label'", "numeric", "String");
    }

    [TestMethod]
    public void NaNLabelNamesTheRow()
    {
        var ml = new MLContext(1);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionData.FromDataView(Keys(ml, (0, 1, 4), (1, 2, float.NaN))),
            "Row 1", "'Label'", "NaN", "finite");
    }

    [TestMethod]
    public void MissingKeyNamesTheRow()
    {
        var ml = new MLContext(1);
        // A key property of 0 is stored as key 1; use the max uint to get the missing key after the +1 wrap.
        var view = ml.Data.LoadFromEnumerable([new KeyRow { UserId = 0, ItemId = 1, Label = 1 }, new KeyRow { UserId = uint.MaxValue, ItemId = 1, Label = 1 }]);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionData.FromDataView(view), "Row 1", "'UserId'", "missing key (0)");
    }

    [TestMethod]
    public void NegativeImplicitStrengthNamesTheRow()
    {
        var ml = new MLContext(1);
        BadInputAssert.Throws<InvalidDataException>(() => _ = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { LabelColumnName = "Label" }).Fit(Keys(ml, (0, 1, 1), (1, 2, -2))),
            "Row 1", "-2", "≥ 0");
    }

    [TestMethod]
    public void EmptyDataViewIsRejected()
    {
        var ml = new MLContext(1);
        BadInputAssert.Throws<InvalidDataException>(() => _ = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options()).Fit(Keys(ml)), "no rows");
    }

    [TestMethod]
    public void GetOutputSchemaChecksTheShapeBeforeFitting()
    {
        var ml = new MLContext(1);
        var shape = Shapes.Of(Raw(ml).Schema);
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options()).GetOutputSchema(shape), "UserId");
    }
}
