using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

[TestClass]
public sealed class WideAndDeepAdultTests
{
    [TestMethod]
    public void WideAndDeepReachesTutorialAccuracyOnAdult()
    {
        var trainPath = TestData.RequireFile("uci-adult", "adult.data");
        var testPath = TestData.RequireFile("uci-adult", "adult.test");
        var ml = new MLContext(seed: 1);
        var train = UciAdult.Load(ml, trainPath);
        var test = UciAdult.Load(ml, testPath);
        var features = AdultPipeline.Features(ml).Fit(train);
        var options = AdultPipeline.Options();
        var epochs = new List<WideAndDeepProgress>();
        options.Progress = new Progress(epochs);
        var model = ml.Recommenders().Trainers.WideAndDeep(options).Fit(features.Transform(train), features.Transform(test));
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(features.Transform(test)));
        foreach (var e in epochs) Console.WriteLine(e);
        Console.WriteLine($"accuracy {metrics.Accuracy:F4} AUC {metrics.AreaUnderRocCurve:F4} log-loss {metrics.LogLoss:F4}");
        // The TensorFlow tutorial reports about 85.5-86% test accuracy for Wide & Deep on these features.
        Assert.IsGreaterThanOrEqualTo(0.855, metrics.Accuracy);
        Assert.AreEqual(options.NumberOfEpochs, epochs.Count);
    }

    private sealed class Progress(List<WideAndDeepProgress> sink) : IProgress<WideAndDeepProgress>
    {
        public void Report(WideAndDeepProgress value) => sink.Add(value);
    }
}
