using Microsoft.ML;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Tests.Ranking;

[TestClass]
public sealed class BinaryClassifierComparisonTests
{
    [TestMethod]
    public void RanksCalibratedAndUncalibratedModelsSideBySide()
    {
        var ml = new MLContext(seed: 1);
        var keys = SmallData.Keys(ml).Fit(ml.Data.LoadFromEnumerable(SmallData.Rows(400, seed: 1)));
        var features = ml.Transforms.Concatenate("Features", "Wide", "Size");
        var train = keys.Transform(ml.Data.LoadFromEnumerable(SmallData.Rows(400, seed: 1)));
        var test = keys.Transform(ml.Data.LoadFromEnumerable(SmallData.Rows(300, seed: 2)));
        var board = new BinaryClassifierComparison(ml)
            .Add("Wide & Deep", ml.Recommenders().Trainers.WideAndDeep(SmallData.Options()))
            .Add("SVM", features.Append(ml.BinaryClassification.Trainers.LinearSvm()))
            .Run(train, test, "synthetic");

        Assert.HasCount(2, board.Entries);
        var wd = board.Entries[0];
        var svm = board.Entries[1];
        // Matches a direct evaluation of the same model.
        var direct = ml.BinaryClassification.Evaluate(ml.Recommenders().Trainers.WideAndDeep(SmallData.Options()).Fit(train).Transform(test));
        Assert.AreEqual(direct.Accuracy, wd.Accuracy, 1e-12);
        Assert.AreEqual(direct.AreaUnderRocCurve, wd.Auc, 1e-12);
        Assert.AreEqual(direct.LogLoss, wd.LogLoss!.Value, 1e-12);
        // The SVM writes no Probability: evaluated uncalibrated, so no log-loss; it misses the colour, so it ranks lower.
        Assert.IsNull(svm.LogLoss);
        Assert.IsGreaterThan(svm.Auc, wd.Auc);

        var markdown = board.ToMarkdown();
        StringAssert.Contains(markdown, "| Model | Accuracy | AUC | Log-loss (bits) | F1 | Fit s |");
        StringAssert.Contains(markdown, "| SVM | ");
        StringAssert.Contains(markdown, " – ");
        var text = board.ToText().Split('\n');
        Assert.AreEqual("synthetic", text[0].TrimEnd());
        Assert.StartsWith("Model", text[1]);
    }

    [TestMethod]
    public void RejectsDuplicateNamesAndAnEmptyComparison()
    {
        var ml = new MLContext(seed: 1);
        var comparison = new BinaryClassifierComparison(ml).Add("A", ml.BinaryClassification.Trainers.LinearSvm());
        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => comparison.Add("A", ml.BinaryClassification.Trainers.LinearSvm()));
        StringAssert.Contains(duplicate.Message, "'A'");
        var data = ml.Data.LoadFromEnumerable(SmallData.Rows(5, 1));
        Assert.ThrowsExactly<InvalidOperationException>(() => new BinaryClassifierComparison(ml).Run(data, data, "x"));
    }
}
