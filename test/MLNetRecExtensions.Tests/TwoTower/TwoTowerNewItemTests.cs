using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Tests.Cli;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>
/// A two-tower model with item features scores NEW items (item ids unseen at Fit) from the row's item feature columns:
/// users prefer new items of the genre they watch, the typed <c>ComputeItemEmbedding</c> gives bit-identical scores,
/// and a model saved with <c>mlContext.Model.Save</c> scores them bit-identically in a fresh process.
/// </summary>
[TestClass]
public sealed class TwoTowerNewItemTests
{
    private sealed class Row
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public string Genre { get; set; } = "";
        public float Year { get; set; }
    }

    // Users u0..u29 watch only items of genre g(u % 3): items i0..i7 are g0, i8..i15 g1, i16..i23 g2; year = 1990 + genre.
    private static Row Item(string user, string item, int genre) => new() { User = user, Item = item, Genre = $"g{genre}", Year = 1990 + genre };

    private static Row[] Rows()
    {
        var random = new Random(5);
        return Enumerable.Range(0, 600).Select(_ =>
        {
            int u = random.Next(30), g = u % 3;
            return Item($"u{u}", $"i{g * 8 + random.Next(8)}", g);
        }).ToArray();
    }

    [TestMethod]
    public void NewItemsScoreFromTheirFeaturesTypedAndAfterReloadInAFreshProcess()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("UserId", nameof(Row.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(Row.Item)))
            .Append(ml.Transforms.Conversion.MapValueToKey("GenreKey", nameof(Row.Genre)))
            .Append(ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
            {
                EmbeddingDimension = 8, NumberOfEpochs = 15, BatchSize = 64, ItemIdDropout = 0.5f, LearningRate = 0.01f,
                ItemCategoricalColumnNames = ["GenreKey"], ItemContinuousColumnNames = ["Year"],
            }));
        var model = pipeline.Fit(data);
        var towers = (TwoTowerTransformer)model.LastTransformer;

        // Every user against three new items, one per genre, plus some known rows.
        var probe = rows.Take(10).Concat(Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 3).Select(g => Item($"u{u}", $"new-{g}", g)))).ToArray();
        var view = model.Transform(ml.Data.LoadFromEnumerable(probe));
        var expected = view.GetColumn<float>("Score").ToArray();
        var users = view.GetColumn<uint>("UserId").Select(k => (int)k - 1).ToArray();
        var items = view.GetColumn<uint>("ItemId").ToArray();
        var genres = view.GetColumn<uint>("GenreKey").Select(k => (int)k - 1).ToArray();
        Assert.IsTrue(expected.All(float.IsFinite));
        Assert.IsTrue(items.Skip(10).All(k => k == 0), "the new items must be unknown to the key mapping (key 0)");

        // Structure: a user's own genre's new item scores well above the other genres' new items (before the fallback
        // they all scored 0).
        double own = 0, other = 0;
        for (int r = 10; r < probe.Length; r++)
        {
            bool match = probe[r].Genre == $"g{int.Parse(probe[r].User[1..], CultureInfo.InvariantCulture) % 3}";
            if (match) own += expected[r] / 30.0; else other += expected[r] / 60.0;
        }
        Assert.IsTrue(own - other > 0.3, $"mean score of the user's own genre's new item {own:F3} vs other genres' {other:F3}");

        // The typed API embeds the new items identically.
        for (int r = 10; r < probe.Length; r++)
        {
            var v = towers.ComputeItemEmbedding(new TwoTowerItemFeatures { Categoricals = [genres[r]], Continuous = [probe[r].Year] });
            float typed = TensorPrimitives.Dot<float>(towers.UserEmbeddings.Row(users[r]), v);
            Assert.AreEqual(BitConverter.SingleToInt32Bits(typed), BitConverter.SingleToInt32Bits(expected[r]), $"new item row {r}: typed {typed} vs chain {expected[r]}");
        }
        // A known item's typed embedding is its trained row.
        CollectionAssert.AreEqual(towers.ItemEmbeddings.Row(0).ToArray(), towers.ComputeItemEmbedding(new TwoTowerItemFeatures { Item = 0 }));

        var dir = Directory.CreateTempSubdirectory("mlnetrec-tt-items").FullName;
        try
        {
            var modelPath = Path.Combine(dir, "model.zip");
            ml.Model.Save(model, data.Schema, modelPath);
            var inputPath = Path.Combine(dir, "rows.tsv");
            File.WriteAllLines(inputPath, probe.Select(p => string.Join('\t', p.User, p.Item, p.Genre, p.Year.ToString("R", CultureInfo.InvariantCulture)))
                .Prepend("User\tItem\tGenre\tYear"));
            FreshProcessScoring.AssertBitIdentical(modelPath, inputPath, expected);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AModelWithoutItemFeaturesRefusesToEmbedANewItem()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var model = ml.Transforms.Conversion.MapValueToKey("UserId", nameof(Row.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(Row.Item)))
            .Append(ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EmbeddingDimension = 4, NumberOfEpochs = 1, BatchSize = 64 }))
            .Fit(data);
        var towers = (TwoTowerTransformer)model.LastTransformer;
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => towers.ComputeItemEmbedding(new TwoTowerItemFeatures()));
        StringAssert.Contains(error.Message, "ItemCategoricalColumnNames");
    }
}
