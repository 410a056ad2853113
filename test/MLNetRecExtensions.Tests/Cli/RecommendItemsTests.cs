using Microsoft.ML;
using MLNetRecExtensions.Cli;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
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
        var recommender = (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data);
        var dir = Path.Combine(Path.GetTempPath(), $"mlnetrec-items-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var modelPath = Path.Combine(dir, "model.zip");
            ModelFile.Save(ml, recommender, 10, modelPath);
            Assert.IsTrue(File.Exists(HistoryModelFile.PathBeside(modelPath)), "the MF model is saved beside model.zip for --items");
            var output = Path.Combine(dir, "recs.csv");
            Assert.AreEqual(0, CliApp.Run(["recommend", "--model", modelPath, "--items", "item-2,item-6,nope,item-10", "--k", "5", "--output", output]));
            var lines = File.ReadAllLines(output);
            Assert.AreEqual("user,item,rank,score", lines[0]);
            var expected = recommender.RecommendForItems(["item-2", "item-6", "item-10"], 5).Items.Select(s => s.Item).ToArray();
            CollectionAssert.AreEqual(expected, lines.Skip(1).Select(l => l.Split(',')[1]).ToArray());
            Assert.AreEqual(2, CliApp.Run(["recommend", "--model", modelPath, "--items", "item-2", "--user", "user-1"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
