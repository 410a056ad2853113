using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using static MLNetRecExtensions.Tests.Factorization.FactorizationTestData;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class ExplicitMatrixFactorizationTests
{
    private static MatrixFactorizationTrainer.Options LowRankOptions(MatrixFactorizationTrainer.SolverType solver, IProgress<MatrixFactorizationProgress>? progress = null) => new()
    {
        Solver = solver,
        ApproximationRank = 2,
        NumberOfIterations = solver == MatrixFactorizationTrainer.SolverType.Sgd ? 60 : 15,
        Lambda = 0.001,
        LearningRate = 0.1,
        NumberOfThreads = 1,
        Seed = 5,
        Progress = progress,
    };

    [TestMethod]
    public void SgdLossDecreasesAndRecoversALowRankMatrix()
    {
        // 40 × 30 ratings 3 + p·q of an exact rank-2 model (factor entries in [−1, 1], so ratings spread ≈ ±0.7 around
        // 3); 70% of the cells train, the rest is held out. A rank-2 fit must predict the held-out cells far better
        // than the training mean (RMSE ≈ 0.45 here).
        var (train, test) = LowRank(40, 30, 0.7, 11);
        var ml = new MLContext(1);
        var log = new ProgressLog<MatrixFactorizationProgress>();
        var model = ml.Recommenders().Trainers.MatrixFactorization(LowRankOptions(MatrixFactorizationTrainer.SolverType.Sgd, log)).Fit(train.ToDataView(ml));

        Assert.HasCount(60, log.Reports);
        Assert.IsLessThan(log.Reports[0].Loss * 0.05, log.Reports[^1].Loss, "the loss should fall by more than 20×");
        for (int k = 10; k < log.Reports.Count; k++) Assert.IsLessThanOrEqualTo(log.Reports[k - 10].Loss, log.Reports[k].Loss);
        double meanRmse = Rmse(test, (_, _) => train.Labels.Average());
        double rmse = Rmse(test, model.Score);
        Assert.IsLessThan(0.1, rmse, $"held-out RMSE {rmse} (mean predictor {meanRmse})");
    }

    [TestMethod]
    public void AlsRecoversALowRankMatrixAndIsIndependentOfThreadCount()
    {
        var (train, test) = LowRank(40, 30, 0.7, 11);
        var ml = new MLContext(1);
        var one = LowRankOptions(MatrixFactorizationTrainer.SolverType.Als);
        var two = LowRankOptions(MatrixFactorizationTrainer.SolverType.Als);
        two.NumberOfThreads = 2;
        var a = ml.Recommenders().Trainers.MatrixFactorization(one).Fit(train.ToDataView(ml));
        var b = ml.Recommenders().Trainers.MatrixFactorization(two).Fit(train.ToDataView(ml));
        Assert.IsLessThan(0.1, Rmse(test, a.Score));
        CollectionAssert.AreEqual(a.UserFactors.Values, b.UserFactors.Values);
        CollectionAssert.AreEqual(a.ItemFactors.Values, b.ItemFactors.Values);
    }

    [TestMethod]
    public void OneThreadAndAFixedSeedGiveIdenticalSgdModels()
    {
        var (train, _) = LowRank(20, 15, 0.7, 3);
        var ml = new MLContext(1);
        var options = LowRankOptions(MatrixFactorizationTrainer.SolverType.Sgd);
        var a = ml.Recommenders().Trainers.MatrixFactorization(options).Fit(train.ToDataView(ml));
        var b = ml.Recommenders().Trainers.MatrixFactorization(options).Fit(train.ToDataView(ml));
        CollectionAssert.AreEqual(a.UserFactors.Values, b.UserFactors.Values);
        CollectionAssert.AreEqual(a.ItemFactors.Values, b.ItemFactors.Values);
        CollectionAssert.AreEqual(a.ItemBiases, b.ItemBiases);
        options.Seed = 6;
        var c = ml.Recommenders().Trainers.MatrixFactorization(options).Fit(train.ToDataView(ml));
        CollectionAssert.AreNotEqual(a.UserFactors.Values, c.UserFactors.Values);
    }

    [TestMethod]
    public void DefaultsReachRmseBelow093OnMovieLens100KStratifiedSplit()
    {
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        var (train, test) = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        var ml = new MLContext(1);
        // ML.NET's short overload with its defaults (rank 8, learning rate 0.1, 20 iterations); one thread for determinism.
        var options = new MatrixFactorizationTrainer.Options { NumberOfThreads = 1 };
        var model = ml.Recommenders().Trainers.MatrixFactorization(options).Fit(train.ToDataView(ml));
        double rmse = Rmse(test, model.Score);
        Assert.IsLessThanOrEqualTo(0.93, rmse, $"RMSE {rmse:F4}; published SVD 0.939");
    }

    [TestMethod]
    public void ValidationRmseIsReportedAndLoggedToTheMLContext()
    {
        var (train, test) = LowRank(20, 15, 0.7, 3);
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == "MLNetRec.MatrixFactorization") lock (messages) messages.Add(e.Message); };
        var log = new ProgressLog<MatrixFactorizationProgress>();
        var options = LowRankOptions(MatrixFactorizationTrainer.SolverType.Als, log);
        var model = new MatrixFactorizationTrainer(ml, options).Fit(train.ToDataView(ml), test.ToDataView(ml));
        Assert.AreEqual(Rmse(test, model.Score), log.Reports[^1].ValidationRmse!.Value, 1e-4);
        Assert.IsTrue(messages.Any(m => m.Contains("iteration 15/15")), string.Join("\n", messages));
    }

    [TestMethod]
    public void DivergenceStopsWithTheIterationAndAdvice()
    {
        var (train, _) = LowRank(20, 15, 0.7, 3);
        var ml = new MLContext(1);
        var options = LowRankOptions(MatrixFactorizationTrainer.SolverType.Sgd);
        options.LearningRate = 1e30;
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => new MatrixFactorizationTrainer(ml, options).Fit(train.ToDataView(ml)));
        StringAssert.Contains(ex.Message, "iteration 1 ");
        StringAssert.Contains(ex.Message, "smaller LearningRate");
    }
}
