using Microsoft.ML;
using MLNetRecExtensions.Cli;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.TwoTower;
using static MLNetRecExtensions.Tests.Recommendation.RecommendationTestData;

namespace MLNetRecExtensions.Tests.Cli;

[TestClass]
public sealed class RecommendItemsTests
{
    [TestMethod]
    public void RecommendItemsFoldsTheGivenItemsInFromTheSavedHistoryModel()
    {
        var data = Groups();
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 8, Lambda = 1, NumberOfIterations = 8, NumberOfThreads = 1 })
            .Fit(data.ToDataView(ml));
        AssertItemsAnswerMatchesTheRecommender(ml, (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data));
    }

    [TestMethod]
    public void RecommendItemsRunsTheSavedTwoTowerUserTowerOnTheGivenItems()
    {
        // The two-tower's history-model.zip is its typed save; --items loads it and runs the user tower on the items.
        var data = Groups();
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EmbeddingDimension = 8, NumberOfEpochs = 4, BatchSize = 64, Seed = 5 })
            .Fit(data.ToDataView(ml));
        AssertItemsAnswerMatchesTheRecommender(ml, (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data));
    }

    // Saves like mlnet-rec recommendation, runs `recommend --items` and compares with RecommendForItems in process.
    private static void AssertItemsAnswerMatchesTheRecommender(MLContext ml, EmbeddingRecommender<string, string> recommender)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mlnetrec-items-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var modelPath = Path.Combine(dir, "model.zip");
            ModelFile.Save(ml, recommender, 10, modelPath);
            Assert.IsTrue(File.Exists(HistoryModelFile.PathBeside(modelPath)), "the embedding model is saved beside model.zip for --items");
            var output = Path.Combine(dir, "recs.csv");
            Assert.AreEqual(0, CliApp.Run(["recommend", "--model", modelPath, "--items", "item-2,item-6,nope,item-10", "--k", "5", "--output", output]));
            var lines = File.ReadAllLines(output);
            Assert.AreEqual("user,item,rank,score", lines[0]);
            var expected = recommender.RecommendForItems(["item-2", "item-6", "item-10"], 5).Items.Select(s => s.Item).ToArray();
            CollectionAssert.AreEqual(expected, lines.Skip(1).Select(l => l.Split(',')[1]).ToArray());
            var expectedScores = recommender.RecommendForItems(["item-2", "item-6", "item-10"], 5).Items.Select(s => s.Score).ToArray();
            CollectionAssert.AreEqual(expectedScores, lines.Skip(1).Select(l => float.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            Assert.AreEqual(2, CliApp.Run(["recommend", "--model", modelPath, "--items", "item-2", "--user", "user-1"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
