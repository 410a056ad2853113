using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Tests.Cli;

/// <summary>
/// Saves a pipeline <c>MapValueToKey → MF → CopyColumns</c> here, then scores the same rows in a fresh process
/// (<c>mlnet-rec score</c>) and compares the scores bit for bit, unknown users and items included.
/// </summary>
[TestClass]
public sealed class FreshProcessPersistenceTests
{
    private sealed class Row
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public float Label { get; set; }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MatrixFactorizationScoresAreBitIdenticalInAFreshProcess(bool implicitFeedback)
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 600).Select(_ => new Row
        {
            User = $"u{random.Next(40)}", Item = $"i{random.Next(30)}", Label = 1 + random.Next(5),
        }).ToArray();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var trainer = implicitFeedback
            ? (IEstimator<ITransformer>)ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
            { MatrixColumnIndexColumnName = "ItemKey", MatrixRowIndexColumnName = "UserKey", ApproximationRank = 8, NumberOfIterations = 5, Lambda = 1 })
            : ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
            { MatrixColumnIndexColumnName = "ItemKey", MatrixRowIndexColumnName = "UserKey", NumberOfThreads = 1 });
        var model = ml.Transforms.Conversion.MapValueToKey("UserKey", nameof(Row.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemKey", nameof(Row.Item)))
            .Append(trainer)
            .Append(ml.Transforms.CopyColumns("Prediction", "Score"))
            .Fit(data);

        var dir = Directory.CreateTempSubdirectory("mlnetrec-fresh").FullName;
        try
        {
            var modelPath = Path.Combine(dir, "model.zip");
            ml.Model.Save(model, data.Schema, modelPath);
            (string User, string Item)[] probe = [.. rows.Take(50).Select(r => (r.User, r.Item)), ("new-user", "i3"), ("u1", "new-item"), ("new-user", "new-item")];
            var inputPath = Path.Combine(dir, "rows.tsv");
            File.WriteAllLines(inputPath, probe.Select(p => $"{p.User}\t{p.Item}").Prepend("User\tItem"));
            var expected = model.Transform(ml.Data.LoadFromEnumerable(probe.Select(p => new Row { User = p.User, Item = p.Item })))
                .GetColumn<float>("Score").ToArray();

            FreshProcessScoring.AssertBitIdentical(modelPath, inputPath, expected);
            Assert.IsTrue(expected.All(float.IsFinite), "unknown users/items fall back to finite scores");
        }
        finally { Directory.Delete(dir, true); }
    }
}
