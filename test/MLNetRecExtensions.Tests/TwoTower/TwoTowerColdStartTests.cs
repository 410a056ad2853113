using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>
/// Cold start with the recipe the benchmark chose for ML-100K (features only, full softmax, a cap on examples per
/// user): on data where a user's job decides which third of the catalog they watch, new users (ids never seen) ranked
/// from job and age through a model reloaded with <c>mlContext.Model.Load</c> beat popularity, with the same Recall@10
/// as the model before saving.
/// </summary>
[TestClass]
public sealed class TwoTowerColdStartTests
{
    private sealed class Row
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public string Job { get; set; } = "";
        public float Age { get; set; }
    }

    private const int Items = 30, TrainUsers = 90, NewUsers = 30, PerUser = 6;

    // User u has job u % 3 and watches PerUser distinct items of block job (items 10·job … 10·job + 9), item k of the
    // block with weight 1/(k + 1). The global top 10 then mixes the three blocks' heads, so popularity finds only about
    // a third of a user's block in its list, while job alone tells a model the whole block.
    private static Row[] Rows(int firstUser, int users)
    {
        var random = new Random(5 + firstUser);
        var rows = new List<Row>();
        for (int u = firstUser; u < firstUser + users; u++)
        {
            int job = u % 3;
            var chosen = new HashSet<int>();
            while (chosen.Count < PerUser)
            {
                double x = random.NextDouble() * Weights.Sum();
                int k = 0;
                while ((x -= Weights[k]) > 0) k++;
                chosen.Add(k);
            }
            rows.AddRange(chosen.Select(k => new Row { User = $"u{u}", Item = $"i{10 * job + k}", Job = $"job{job}", Age = 25 + 15 * job + random.Next(5) }));
        }
        return [.. rows];
    }

    private static readonly double[] Weights = Enumerable.Range(0, 10).Select(k => 1.0 / (k + 1)).ToArray();

    [TestMethod]
    public void NewUsersFromFeaturesBeatPopularityThroughAReloadedModel()
    {
        var ml = new MLContext(1);
        var train = Rows(0, TrainUsers);
        var fresh = Rows(TrainUsers, NewUsers);
        var data = ml.Data.LoadFromEnumerable(train);
        var model = ml.Transforms.Conversion.MapValueToKey("UserId", nameof(Row.User))
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", nameof(Row.Item)))
            .Append(ml.Transforms.Conversion.MapValueToKey("JobKey", nameof(Row.Job)))
            .Append(ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
            {
                UseUserId = false, UseTrainingHistory = false, CategoricalColumnNames = ["JobKey"], ContinuousColumnNames = ["Age"],
                Loss = TwoTowerLoss.FullSoftmax, MaxExamplesPerUser = 4, EmbeddingDimension = 8, NumberOfEpochs = 20, BatchSize = 32, LearningRate = 0.01f,
            }))
            .Fit(data);

        // Every (new user, item) pair, scored with the new user's job and age (their id is unknown to the model).
        var newUsers = fresh.GroupBy(r => r.User).ToArray();
        var probe = newUsers.SelectMany(g => Enumerable.Range(0, Items).Select(i => new Row { User = g.Key, Item = $"i{i}", Job = g.First().Job, Age = g.First().Age })).ToArray();
        double RecallOf(ITransformer scorer)
        {
            var scores = scorer.Transform(ml.Data.LoadFromEnumerable(probe)).GetColumn<float>("Score").ToArray();
            return newUsers.Select((g, q) => Recall(Enumerable.Range(0, Items).OrderByDescending(i => scores[q * Items + i]).ThenBy(i => i).Take(10).Select(i => $"i{i}"), g))
                .Average();
        }

        double before = RecallOf(model);
        var dir = Directory.CreateTempSubdirectory("mlnetrec-cold").FullName;
        double reloaded;
        try
        {
            var path = Path.Combine(dir, "model.zip");
            ml.Model.Save(model, data.Schema, path);
            var ml2 = new MLContext(2);
            reloaded = RecallOf(ml2.Model.Load(path, out _));
        }
        finally { Directory.Delete(dir, true); }

        var popular = train.GroupBy(r => r.Item).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(10).Select(g => g.Key).ToArray();
        double popularity = newUsers.Average(g => Recall(popular, g));
        Assert.AreEqual(before, reloaded, "the reloaded model ranks the new users as the fitted one does");
        Assert.IsTrue(reloaded >= 1.5 * popularity, $"two-tower from features Recall@10 {reloaded:F3} vs popularity {popularity:F3}");
    }

    private static double Recall(IEnumerable<string> top, IEnumerable<Row> relevant)
    {
        var items = relevant.Select(r => r.Item).ToHashSet();
        return top.Count(items.Contains) / (double)items.Count;
    }
}
