using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Numerics;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Tests.Ranking;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>
/// Divergence (case 7): every trainer stops with <see cref="InvalidOperationException"/> naming the epoch (or
/// iteration) and the setting to lower, instead of returning a model that scores ±1e12.
/// </summary>
[TestClass]
public sealed class TrainingBadInputTests
{
    private static IDataView Ratings(MLContext ml, float scale = 1)
    {
        var data = BadInputModels.Ratings();
        return new InteractionData(data.UserCount, data.ItemCount, data.Users, data.Items, data.Labels.Select(l => l * scale).ToArray(),
            null, data.UserIds, data.ItemIds).ToDataView(ml);
    }

    [TestMethod]
    public void MatrixFactorizationSgdWithAHugeLearningRateDiverges()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { LearningRate = 1e6, NumberOfThreads = 1 });
        BadInputAssert.Throws<InvalidOperationException>(() => _ = trainer.Fit(Ratings(ml)),
            "Matrix factorization (SGD) training diverged in iteration 1 of 20", "Lower the learning rate", "LearningRate (now 1000000");
    }

    [TestMethod]
    public void MatrixFactorizationAlsOnOverflowingRatingsDiverges()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
        { Solver = MatrixFactorizationTrainer.SolverType.Als, NumberOfThreads = 1 });
        BadInputAssert.Throws<InvalidOperationException>(() => _ = trainer.Fit(Ratings(ml, 6e37f)),
            "Matrix factorization (ALS) training diverged in iteration", "Lambda");
    }

    [TestMethod]
    public void ImplicitAlsOnOverflowingConfidencesDiverges()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { Alpha = 1e30, LabelColumnName = "Label", NumberOfThreads = 1 });
        BadInputAssert.Throws<InvalidOperationException>(() => _ = trainer.Fit(Ratings(ml, 1e8f)),
            "Implicit ALS training diverged in iteration 1", "smaller Alpha");
    }

    [TestMethod]
    public void TwoTowerWithAHugeLearningRateDiverges()
    {
        var ml = new MLContext(1);
        var trainer = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        { LearningRate = 1e6f, Similarity = TwoTowerSimilarity.Dot, EmbeddingDimension = 8, NumberOfEpochs = 5, BatchSize = 16, Seed = 1 });
        BadInputAssert.Throws<InvalidOperationException>(() => _ = trainer.Fit(Ratings(ml)),
            "Two-tower training diverged in epoch", "Lower the learning rate", "LearningRate (now 1000000");
    }

    [TestMethod]
    public void WideAndDeepWithHugeLearningRatesDiverges()
    {
        var ml = new MLContext(1);
        var options = SmallData.Options(o => { o.DeepLearningRate = 1e6f; o.FtrlAlpha = 1e6f; o.NumberOfEpochs = 5; });
        BadInputAssert.Throws<InvalidOperationException>(() => _ = SmallData.Fit(ml, SmallData.Rows(200, 1), options),
            "Wide & Deep training diverged in epoch", "Lower the learning rates", "DeepLearningRate (now 1000000)");
    }

    [TestMethod]
    public void GuardCatchesAnExplodingButFiniteLoss()
    {
        var guard = new DivergenceGuard("Test", 10, "Lower it.");
        guard.SetInitialLoss(2);
        guard.Check(1, 150);
        BadInputAssert.Throws<InvalidOperationException>(() => guard.Check(2, 201), "Test training diverged in epoch 2 of 10", "exploded to 201", "100× the loss 2 before training", "Lower it.");
        var fromFirstEpoch = new DivergenceGuard("Test", 3, "Lower it.");
        fromFirstEpoch.Check(1, 0.5);
        BadInputAssert.Throws<InvalidOperationException>(() => fromFirstEpoch.Check(2, 1e9), "epoch 2 of 3", "of epoch 1");
        BadInputAssert.Throws<InvalidOperationException>(() => fromFirstEpoch.CheckFinite(3, double.NaN), "epoch 3 of 3", "the loss is NaN");
    }
}
