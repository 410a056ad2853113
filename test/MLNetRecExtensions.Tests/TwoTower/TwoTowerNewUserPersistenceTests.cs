using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Tests.Cli;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>
/// A two-tower model with user features, saved with <c>mlContext.Model.Save</c>, scores NEW users (unseen user ids)
/// from their feature columns: the scores of a fresh process (<c>mlnet-rec score</c>) equal the in-process model's
/// bit for bit, and a new user's score equals the typed API's <c>ComputeUserEmbedding</c> · item embedding.
/// </summary>
[TestClass]
public sealed class TwoTowerNewUserPersistenceTests
{
    private sealed class Row
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public string Gender { get; set; } = "";
        public string Job { get; set; } = "";
        public float Age { get; set; }
    }

    private static readonly string[] Jobs = ["artist", "doctor", "student"];

    // Users u0..u29; gender, job and age follow the id, and each user picks items of its job's third of the catalog.
    private static Row[] Rows()
    {
        var random = new Random(3);
        return Enumerable.Range(0, 400).Select(_ =>
        {
            int u = random.Next(30);
            return new Row { User = $"u{u}", Item = $"i{(u % 3) * 8 + random.Next(8)}", Gender = u % 2 == 0 ? "F" : "M", Job = Jobs[u % 3], Age = 18 + u };
        }).ToArray();
    }

    [TestMethod]
    public void NewUsersScoreFromFeaturesBitIdenticallyAfterReloadInAFreshProcess()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("UserId", nameof(Row.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(Row.Item)))
            .Append(ml.Transforms.Conversion.MapValueToKey("GenderKey", nameof(Row.Gender)))
            .Append(ml.Transforms.Conversion.MapValueToKey("JobKey", nameof(Row.Job)))
            .Append(ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
            {
                EmbeddingDimension = 8, NumberOfEpochs = 3, BatchSize = 64, UserIdDropout = 0.5f,
                CategoricalColumnNames = ["GenderKey", "JobKey"], ContinuousColumnNames = ["Age"],
            }));
        var model = pipeline.Fit(data);
        var towers = (TwoTowerTransformer)model.LastTransformer;

        Row[] probe =
        [
            .. rows.Take(20),
            new() { User = "new-1", Item = "i3", Gender = "F", Job = "artist", Age = 30 },
            new() { User = "new-2", Item = "i12", Gender = "M", Job = "doctor", Age = 61.5f },
            new() { User = "new-3", Item = "i20", Gender = "F", Job = "student", Age = 19 },
        ];
        var expected = model.Transform(ml.Data.LoadFromEnumerable(probe)).GetColumn<float>("Score").ToArray();
        Assert.IsTrue(expected.All(float.IsFinite));

        // The typed API embeds the same new users identically (0-based indices: key − 1).
        var genders = KeyIndex(model, ml, "GenderKey", probe);
        var jobs = KeyIndex(model, ml, "JobKey", probe);
        var items = KeyIndex(model, ml, "ItemId", probe);
        for (int r = 20; r < probe.Length; r++)
        {
            var u = towers.ComputeUserEmbedding(new TwoTowerUserFeatures { Categoricals = [genders[r], jobs[r]], Continuous = [probe[r].Age] });
            float typed = System.Numerics.Tensors.TensorPrimitives.Dot<float>(u, towers.ItemEmbeddings.Row(items[r]));
            Assert.AreEqual(BitConverter.SingleToInt32Bits(typed), BitConverter.SingleToInt32Bits(expected[r]), $"new user row {r}: typed {typed} vs chain {expected[r]}");
        }
        // Different features give different scores: the features are read, not a fixed fallback.
        Assert.AreNotEqual(expected[20], expected[21]);

        var dir = Directory.CreateTempSubdirectory("mlnetrec-tt").FullName;
        try
        {
            var modelPath = Path.Combine(dir, "model.zip");
            ml.Model.Save(model, data.Schema, modelPath);
            var inputPath = Path.Combine(dir, "rows.tsv");
            File.WriteAllLines(inputPath, probe.Select(p => string.Join('\t', p.User, p.Item, p.Gender, p.Job, p.Age.ToString("R", CultureInfo.InvariantCulture)))
                .Prepend("User\tItem\tGender\tJob\tAge"));
            FreshProcessScoring.AssertBitIdentical(modelPath, inputPath, expected);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static int[] KeyIndex(ITransformer model, MLContext ml, string column, Row[] rows) =>
        model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<uint>(column).Select(k => (int)k - 1).ToArray();
}
