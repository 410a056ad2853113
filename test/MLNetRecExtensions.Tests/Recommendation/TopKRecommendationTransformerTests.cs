using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.Recommendation;

[TestClass]
public sealed class TopKRecommendationTransformerTests
{
    public sealed class UserInput
    {
        public string User { get; set; } = "";
    }

    public sealed class Recommendations
    {
        public string[] RecommendedItems { get; set; } = [];
        public float[] RecommendedScores { get; set; } = [];
        public bool IsColdStart { get; set; }
    }

    private static IItemRecommender<string, string> Fitted(MLContext ml, InteractionData data) =>
        Recommender.Create(ml, ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            ApproximationRank = 8, NumberOfIterations = 6, Lambda = 0.5, NumberOfThreads = 1, Seed = 1,
        }).Fit(data.ToDataView(ml)), data);

    [TestMethod]
    public void PredictionEngineAnswersTheRecommendersListsBeforeAndAfterSaveLoad()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var recommender = Fitted(ml, data);
        var transformer = recommender.ToTransformer(ml, 5);
        var input = ml.Data.LoadFromEnumerable(new[] { new UserInput { User = "user-3" } });

        var path = Path.Combine(Path.GetTempPath(), $"topk-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(transformer, input.Schema, path);
            var fresh = new MLContext(2);
            var loaded = fresh.Model.Load(path, out _);
            foreach (var (model, context) in new[] { ((ITransformer)transformer, ml), (loaded, fresh) })
            {
                var engine = context.Model.CreatePredictionEngine<UserInput, Recommendations>(model);
                foreach (var user in new[] { "user-3", "user-40", "stranger" })
                {
                    var expected = recommender.Recommend(user, 5);
                    var got = engine.Predict(new UserInput { User = user });
                    CollectionAssert.AreEqual(expected.Items.Select(i => i.Item).ToArray(), got.RecommendedItems, user);
                    CollectionAssert.AreEqual(expected.Items.Select(i => i.Score).ToArray(), got.RecommendedScores, user);
                    Assert.AreEqual(expected.IsColdStart, got.IsColdStart, user);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void TransformOfABatchKeepsRowsAndRejectsAWrongUserColumn()
    {
        var data = Groups(users: 20, items: 16, perUser: 3);
        var ml = new MLContext(1);
        var transformer = Fitted(ml, data).ToTransformer(ml, 4);
        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(u => new UserInput { User = $"user-{u}" }));
        var output = transformer.Transform(rows);
        var lists = output.GetColumn<VBuffer<ReadOnlyMemory<char>>>(TopKRecommendationColumns.Items).ToArray();
        Assert.HasCount(20, lists);
        Assert.IsTrue(lists.All(l => l.Length == 4));

        var wrong = ml.Data.LoadFromEnumerable(new[] { new IntInput { User = 3 } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(wrong));
        StringAssert.Contains(e.Message, "'User'");
    }

    [TestMethod]
    public void ATestFileIsReadWithTheTrainingKeyMappingAndEvaluatedByIds()
    {
        var train = Groups(users: 10, items: 12, perUser: 3);
        using var file = new Data.TempFile("user,item\nuser-1,item-1\nuser-1,item-5\nuser-99,item-1\nuser-2,item-777\nuser-2,item-2\n");
        var keyed = KeyRemapping.ReadDelimited(file.Path, new DelimitedFileFormat { UserColumn = "user", ItemColumn = "item" }, train);
        Assert.AreEqual(5, keyed.RowsRead);
        Assert.AreEqual(1, keyed.RowsWithUnknownUser);
        Assert.AreEqual(1, keyed.RowsWithUnknownItem);
        Assert.AreEqual(3, keyed.Interactions.Count);
        Assert.AreEqual(train.UserCount, keyed.Interactions.UserCount);
        Assert.AreEqual("user-1", keyed.Interactions.UserIds![keyed.Interactions.Users[0]]);
        Assert.AreEqual("item-5", keyed.Interactions.ItemIds![keyed.Interactions.Items[1]]);

        // By ids: user-1 relevant {item-1, item-5}; list [item-5, item-3] → hit at rank 1. user-2 relevant {item-2}:
        // list [item-2 (excluded as a training item), item-9] → no hit. NDCG = (1 / (1 + 1/log2 3) + 0) / 2.
        var test = InteractionLoaders.ReadDelimited(file.Path, new DelimitedFileFormat { UserColumn = "user", ItemColumn = "item" });
        var recs = new[]
        {
            new UserRecommendations<string, string>("user-1", [new("item-5", 2), new("item-3", 1)], false),
            new UserRecommendations<string, string>("user-2", [new("item-2", 2), new("item-9", 1)], false),
        };
        var exclude = new InteractionData(1, 1, [0], [0], [1], userIds: ["user-2"], itemIds: ["item-2"]);
        var report = RecommendationEvaluator.Evaluate(recs, test, 2, exclude);
        Assert.AreEqual(3, report.UsersEvaluated, "user-1, user-99 and user-2 have test rows");
        double user1 = 1 / (1 + 1 / Math.Log2(3));
        Assert.AreEqual(user1 / 3, report.Ndcg, 1e-12);
    }

    private sealed class IntInput
    {
        public int User { get; set; }
    }
}
