using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Features;

namespace MLNetRecExtensions.Tests.Features;

/// <summary>The estimator contract (as ML.NET's TestEstimatorCore checks it): schema propagation, save/load,
/// PredictionEngine, and up-front rejection of bad options and columns.</summary>
[TestClass]
public sealed class CrossProductContractTests
{
    private sealed class Row
    {
        public string Gender { get; set; } = "";
        public string Occupation { get; set; } = "";
        public float Age { get; set; }
        public string[] Genres { get; set; } = [];
        [KeyType(4)] public uint Slot { get; set; }
        public DateTime When { get; set; }
        public DateTime[] Dates { get; set; } = [];
        [KeyType(4)] public uint[] Slots { get; set; } = [];
    }

    private sealed class Scored
    {
        public float[] GenderOccupation { get; set; } = [];
        public float[] GenresGender { get; set; } = [];
    }

    private static readonly Row[] Rows =
    [
        new() { Gender = "F", Occupation = "artist", Age = 25, Genres = ["Comedy", "Drama"], Slot = 0 },
        new() { Gender = "M", Occupation = "engineer", Age = 35, Genres = ["Action"], Slot = 1 },
        new() { Gender = "F", Occupation = "engineer", Age = 18, Genres = [], Slot = 2 },
        new() { Gender = "", Occupation = "artist", Age = 50, Genres = ["Drama", "Action", "Comedy"], Slot = 3 },
    ];

    // MapValueToKey makes Occupation a key with text KeyValues; Age stays a number, Slot a key without KeyValues.
    private static IEstimator<ITransformer> Pipeline(MLContext ml, CrossOutputKind kind) =>
        ml.Transforms.Conversion.MapValueToKey("OccupationKey", "Occupation")
            .Append(ml.Recommenders().Transforms.CrossProduct(new CrossProductOptions
            {
                Crosses =
                [
                    new CrossColumn("GenderOccupation", "Gender", "OccupationKey"),
                    new CrossColumn("GenresGender", "Genres", "Gender"),
                    new CrossColumn("AgeSlotOccupation", "Age", "Slot", "OccupationKey"),
                ],
                HashBits = 10,
                OutputKind = kind,
            }));

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(Rows);

    [TestMethod]
    [DataRow(CrossOutputKind.Key)]
    [DataRow(CrossOutputKind.Indicator)]
    [DataRow(CrossOutputKind.Both)]
    public void OutputSchemaShapeMatchesTheRealOutputSchema(CrossOutputKind kind)
    {
        var ml = new MLContext(1);
        var keyed = ml.Transforms.Conversion.MapValueToKey("OccupationKey", "Occupation").Fit(Data(ml)).Transform(Data(ml));
        var estimator = ml.Recommenders().Transforms.CrossProduct(new CrossProductOptions
        {
            Crosses = [new CrossColumn("GO", "Gender", "OccupationKey"), new CrossColumn("GG", "Genres", "Gender"), new CrossColumn("AS", "Age", "Slot")],
            HashBits = 10,
            OutputKind = kind,
        });
        var shape = estimator.GetOutputSchema(Shapes.Of(keyed.Schema));
        var actual = Shapes.Of(estimator.Fit(keyed).Transform(keyed).Schema);
        CollectionAssert.AreEqual(actual.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray());
        foreach (var expected in actual)
        {
            var predicted = shape.Single(c => c.Name == expected.Name);
            Assert.AreEqual(expected.Kind, predicted.Kind, expected.Name);
            Assert.AreEqual(expected.ItemType, predicted.ItemType, expected.Name);
            Assert.AreEqual(expected.IsKey, predicted.IsKey, expected.Name);
        }
        Assert.IsFalse(shape.Any(c => c.Name.StartsWith("__", StringComparison.Ordinal)), "temporary columns are dropped");
    }

    [TestMethod]
    public void SaveLoadGivesIdenticalOutputs()
    {
        var ml = new MLContext(1);
        var data = Data(ml);
        var model = Pipeline(ml, CrossOutputKind.Both).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"cross-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(2).Model.Load(path, out _);
            var before = model.Transform(data);
            var after = loaded.Transform(data);
            foreach (var name in new[] { "GenderOccupation", "AgeSlotOccupation" })
            {
                var keys = before.GetColumn<uint>(name).ToArray();
                CollectionAssert.AreEqual(keys, after.GetColumn<uint>(name).ToArray(), name);
            }
            var genderOccupation = before.GetColumn<uint>("GenderOccupation").ToArray();
            Assert.AreEqual(0u, genderOccupation[3], "row 3 has no gender, so its gender × occupation cross is missing");
            Assert.IsTrue(genderOccupation.Take(3).All(k => k > 0));
            Assert.IsTrue(before.GetColumn<uint>("AgeSlotOccupation").All(k => k > 0));
            var vectorKeys = before.GetColumn<VBuffer<uint>>("GenresGender").Select(v => v.DenseValues().ToArray()).ToArray();
            var vectorKeysAfter = after.GetColumn<VBuffer<uint>>("GenresGender").Select(v => v.DenseValues().ToArray()).ToArray();
            CollectionAssert.AreEqual(new[] { 2, 1, 0, 0 }, vectorKeys.Select(k => k.Length).ToArray());
            for (int r = 0; r < vectorKeys.Length; r++) CollectionAssert.AreEqual(vectorKeys[r], vectorKeysAfter[r]);
            foreach (var name in new[] { "GenderOccupationIndicator", "GenresGenderIndicator", "AgeSlotOccupationIndicator" })
            {
                var a = before.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();
                var b = after.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();
                for (int r = 0; r < a.Length; r++) CollectionAssert.AreEqual(a[r], b[r], name);
            }
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void PredictionEngineGivesTheBatchIndicators()
    {
        var ml = new MLContext(1);
        var data = Data(ml);
        var model = Pipeline(ml, CrossOutputKind.Indicator).Fit(data);
        var batch = model.Transform(data).GetColumn<VBuffer<float>>("GenderOccupation").Select(v => v.DenseValues().ToArray()).ToArray();
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(model);
        for (int r = 0; r < Rows.Length; r++)
            CollectionAssert.AreEqual(batch[r], engine.Predict(Rows[r]).GenderOccupation);
        // An occupation never seen at fit time is a missing key, so its cross is missing (all zeros).
        var unseen = engine.Predict(new Row { Gender = "F", Occupation = "astronaut", Genres = ["Drama"] });
        Assert.AreEqual(0f, unseen.GenderOccupation.Sum());
        Assert.AreEqual(1f, unseen.GenresGender.Sum());
        Assert.AreEqual(1024, unseen.GenresGender.Length);
    }

    private static ArgumentOutOfRangeException Rejects(Func<MLContext, IDataView, object> act)
    {
        var ml = new MLContext(1);
        return Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => act(ml, Data(ml)));
    }

    private static CrossProductEstimator Cross(MLContext ml, params CrossColumn[] crosses) =>
        ml.Recommenders().Transforms.CrossProduct(new CrossProductOptions { Crosses = crosses });

    [TestMethod]
    public void FewerThanTwoInputsAreRejected()
    {
        var ex = Rejects((ml, _) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender"]));
        Assert.AreEqual(nameof(CrossColumn.InputColumnNames), ex.ParamName);
        StringAssert.Contains(ex.Message, "'X' has 1 input column(s)");
        Rejects((ml, _) => Cross(ml));
    }

    [TestMethod]
    public void MissingColumnIsRejectedAtFitAndInGetOutputSchema()
    {
        var fit = Rejects((ml, data) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender", "Nope"]).Fit(data));
        StringAssert.Contains(fit.Message, "'Nope' of cross 'X' was not found");
        var shape = Rejects((ml, data) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender", "Nope"]).GetOutputSchema(Shapes.Of(data.Schema)));
        StringAssert.Contains(shape.Message, "'Nope'");
    }

    [TestMethod]
    [DataRow("When", "DateTime")]
    [DataRow("Dates", "Vector<DateTime>")]
    [DataRow("Slots", "needs a KeyValues annotation")]
    public void UnsupportedColumnTypesAreRejectedByName(string column, string expected)
    {
        var ex = Rejects((ml, data) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender", column]).Fit(data));
        StringAssert.Contains(ex.Message, $"'{column}' of cross 'X'");
        StringAssert.Contains(ex.Message, expected);
        Rejects((ml, data) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender", column]).GetOutputSchema(Shapes.Of(data.Schema)));
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(31)]
    public void HashBitsOutOfRangeAreRejected(int bits)
    {
        var ex = Rejects((ml, _) => ml.Recommenders().Transforms.CrossProduct("X", ["Gender", "Occupation"], bits));
        Assert.AreEqual(nameof(CrossProductOptions.HashBits), ex.ParamName);
        StringAssert.Contains(ex.Message, $"but is {bits}");
    }

    [TestMethod]
    public void DuplicateOutputNamesAreRejected()
    {
        var same = Rejects((ml, _) => Cross(ml, new CrossColumn("X", "Gender", "Age"), new CrossColumn("X", "Gender", "Occupation")));
        StringAssert.Contains(same.Message, "'X' is written by more than one cross");
        var suffix = Rejects((ml, _) => ml.Recommenders().Transforms.CrossProduct(new CrossProductOptions
        {
            Crosses = [new CrossColumn("X", "Gender", "Age"), new CrossColumn("XIndicator", "Gender", "Occupation")],
            OutputKind = CrossOutputKind.Both,
        }));
        StringAssert.Contains(suffix.Message, "'XIndicator'");
    }

    [TestMethod]
    public void ScoringDataWhoseColumnChangedKindIsRejected()
    {
        var ml = new MLContext(1);
        var keyed = ml.Transforms.Conversion.MapValueToKey("OccupationKey", "Occupation").Fit(Data(ml)).Transform(Data(ml));
        var model = ml.Recommenders().Transforms.CrossProduct("X", ["Gender", "OccupationKey"]).Fit(keyed);
        var renamed = ml.Transforms.CopyColumns("OccupationKey", "Occupation").Fit(Data(ml)).Transform(Data(ml));
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(renamed));
        StringAssert.Contains(ex.Message, "'OccupationKey' of cross 'X' was a scalar KeyTextValues");
    }
}
