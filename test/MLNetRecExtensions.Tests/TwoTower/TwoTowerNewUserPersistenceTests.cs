using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Tests.Cli;
using MLNetRecExtensions.Tests.Factorization;
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
        var (data, model, towers, probe) = Fit(ml);
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

    // Keys for user, item, gender and job, then the two-tower on ID + training history + gender, job and age.
    private static (IDataView Data, TransformerChain<TwoTowerTransformer> Model, TwoTowerTransformer Towers, Row[] Probe) Fit(MLContext ml)
    {
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
        Row[] probe =
        [
            .. rows.Take(20),
            new() { User = "new-1", Item = "i3", Gender = "F", Job = "artist", Age = 30 },
            new() { User = "new-2", Item = "i12", Gender = "M", Job = "doctor", Age = 61.5f },
            new() { User = "new-3", Item = "i20", Gender = "F", Job = "student", Age = 19 },
        ];
        return (data, model, model.LastTransformer, probe);
    }

    [TestMethod]
    public void TypedLoadRestoresScoringEmbeddingsAndHistoryAnswersBitIdentically()
    {
        var ml = new MLContext(1);
        var (data, model, towers, probe) = Fit(ml);
        var dir = Directory.CreateTempSubdirectory("mlnetrec-tt-typed").FullName;
        try
        {
            var path = Path.Combine(dir, "model.zip");
            towers.Save(ml, model, data.Schema, path);
            var loaded = TwoTowerTransformer.Load(new MLContext(2), path, out var pipeline, out var schema);
            Assert.AreEqual(data.Schema.Count, schema.Count);
            CollectionAssert.AreEqual(towers.UserEmbeddings.Values.ToArray(), loaded.UserEmbeddings.Values.ToArray());
            CollectionAssert.AreEqual(towers.ItemEmbeddings.Values.ToArray(), loaded.ItemEmbeddings.Values.ToArray());
            CollectionAssert.AreEqual(towers.FallbackUserEmbedding, loaded.FallbackUserEmbedding);
            Assert.AreEqual(towers.Options.CategoricalColumnNames.Length, loaded.Options.CategoricalColumnNames.Length);
            Assert.AreEqual(towers.Options.UserIdDropout, loaded.Options.UserIdDropout);

            // "Recommend for these recent items": the same query and the same top items.
            int[][] histories = [[3, 5], [12, 13, 20], [0]];
            foreach (var h in histories)
            {
                var before = towers.EmbedHistory(h, []);
                var after = loaded.EmbedHistory(h, []);
                Assert.IsFalse(after.IsFallback);
                CollectionAssert.AreEqual(before.Vector, after.Vector, $"history {string.Join(",", h)}");
                CollectionAssert.AreEqual(HistoryRecommendations.Recommend(towers, h, [], 5).ItemsOf(0).ToArray(),
                    HistoryRecommendations.Recommend(loaded, h, [], 5).ItemsOf(0).ToArray());
            }
            var features = new TwoTowerUserFeatures { History = [1, 2], Categoricals = [0, 1], Continuous = [44] };
            CollectionAssert.AreEqual(towers.ComputeUserEmbedding(features), loaded.ComputeUserEmbedding(features));

            // Scoring rows (known and new users) through the typed model and the reloaded pipeline: bit-identical.
            var probeView = ml.Data.LoadFromEnumerable(probe);
            var expected = model.Transform(probeView).GetColumn<float>("Score").ToArray();
            var keyed = new TransformerChain<ITransformer>(model.Take(4).ToArray()).Transform(probeView);
            var typed = loaded.Transform(keyed).GetColumn<float>("Score").ToArray();
            var reloaded = pipeline.Transform(probeView).GetColumn<float>("Score").ToArray();
            for (int r = 0; r < probe.Length; r++)
            {
                Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[r]), BitConverter.SingleToInt32Bits(typed[r]), $"row {r}: {expected[r]} vs typed {typed[r]}");
                Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[r]), BitConverter.SingleToInt32Bits(reloaded[r]), $"row {r}");
            }
            CollectionAssert.AreEqual(towers.ComputeUserEmbeddings(keyed).Values.ToArray(), loaded.ComputeUserEmbeddings(keyed).Values.ToArray());

            // No training state: Update refuses with a message saying what to do.
            var update = Assert.ThrowsExactly<InvalidOperationException>(() => loaded.Update(ml, keyed, keyed));
            StringAssert.Contains(update.Message, "refit");
            // An MF file is not a two-tower file.
            var mfPath = Path.Combine(dir, "mf.zip");
            var mfData = FoldInTests.Groups(1);
            var mf = FoldInTests.FitImplicit(ml, mfData, iterations: 2);
            mf.Save(ml, mf, mfData.ToDataView(ml).Schema, mfPath);
            var wrong = Assert.ThrowsExactly<InvalidDataException>(() => TwoTowerTransformer.Load(ml, mfPath));
            StringAssert.Contains(wrong.Message, TwoTowerTransformer.TypedStateKind);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static int[] KeyIndex(ITransformer model, MLContext ml, string column, Row[] rows) =>
        model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<uint>(column).Select(k => (int)k - 1).ToArray();
}
