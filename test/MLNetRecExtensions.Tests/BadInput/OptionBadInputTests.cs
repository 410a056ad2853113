using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Out-of-range options: rejected when the estimator is created, naming the option and its value.</summary>
[TestClass]
public sealed class OptionBadInputTests
{
    private static readonly Dictionary<string, Action> Cases = new()
    {
        ["mf-rank-0"] = () => Mf(o => o.ApproximationRank = 0),
        ["mf-iterations-0"] = () => Mf(o => o.NumberOfIterations = 0),
        ["mf-learning-rate-nan"] = () => Mf(o => o.LearningRate = double.NaN),
        ["mf-learning-rate-negative"] = () => Mf(o => o.LearningRate = -0.5),
        ["mf-lambda-negative"] = () => Mf(o => o.Lambda = -0.1),
        ["mf-threads-0"] = () => Mf(o => o.NumberOfThreads = 0),
        ["mf-c-infinite"] = () => Mf(o => o.C = double.PositiveInfinity),
        ["mf-same-columns"] = () => Mf(o => o.MatrixColumnIndexColumnName = o.MatrixRowIndexColumnName),
        ["ials-alpha-negative"] = () => Ials(o => o.Alpha = -1),
        ["ials-unobserved-weight-nan"] = () => Ials(o => o.UnobservedWeight = double.NaN),
        ["ials-cg-steps-0"] = () => Ials(o => o.CgSteps = 0),
        ["twotower-dimension-0"] = () => Tower(o => o.EmbeddingDimension = 0),
        ["twotower-temperature-0"] = () => Tower(o => o.Temperature = 0),
        ["twotower-batch-1"] = () => Tower(o => o.BatchSize = 1),
        ["twotower-learning-rate-infinite"] = () => Tower(o => o.LearningRate = float.PositiveInfinity),
        ["twotower-epochs-0"] = () => Tower(o => o.NumberOfEpochs = 0),
        ["widedeep-learning-rate-0"] = () => Wide(o => o.DeepLearningRate = 0),
        ["widedeep-ftrl-alpha-nan"] = () => Wide(o => o.FtrlAlpha = float.NaN),
        ["widedeep-batch-0"] = () => Wide(o => o.BatchSize = 0),
        ["colored-groups-1"] = () => ColoredGroupsGenerator.Generate(new ColoredGroupsOptions { GroupCount = 1 }),
        ["colored-groups-probability"] = () => ColoredGroupsGenerator.Generate(new ColoredGroupsOptions { InGroupProbability = 1.5 }),
        ["delimited-no-separator"] = () => InteractionLoaders.ReadDelimited("x", new DelimitedFileFormat { Separator = "", UserColumn = "u", ItemColumn = "i" }),
        ["delimited-no-user"] = () => InteractionLoaders.ReadDelimited("x", new DelimitedFileFormat { UserColumn = " ", ItemColumn = "i" }),
    };

    private static void Mf(Action<MatrixFactorizationTrainer.Options> change)
    {
        var o = new MatrixFactorizationTrainer.Options();
        change(o);
        _ = new MLContext(1).Recommenders().Trainers.MatrixFactorization(o);
    }

    private static void Ials(Action<ImplicitAlsTrainer.Options> change)
    {
        var o = new ImplicitAlsTrainer.Options();
        change(o);
        _ = new MLContext(1).Recommenders().Trainers.ImplicitAls(o);
    }

    private static void Tower(Action<TwoTowerOptions> change)
    {
        var o = new TwoTowerOptions();
        change(o);
        _ = new MLContext(1).Recommenders().Trainers.TwoTower(o);
    }

    private static void Wide(Action<WideAndDeepOptions> change)
    {
        var o = new WideAndDeepOptions { WideFeatureColumnName = "Wide" };
        change(o);
        _ = new MLContext(1).Recommenders().Trainers.WideAndDeep(o);
    }

    [TestMethod]
    [DataRow("mf-rank-0", "ApproximationRank", "0")]
    [DataRow("mf-iterations-0", "NumberOfIterations", "0")]
    [DataRow("mf-learning-rate-nan", "LearningRate", "NaN")]
    [DataRow("mf-learning-rate-negative", "LearningRate", "-0.5")]
    [DataRow("mf-lambda-negative", "Lambda", "-0.1")]
    [DataRow("mf-threads-0", "NumberOfThreads", "0")]
    [DataRow("mf-c-infinite", "C", "Infinity")]
    [DataRow("mf-same-columns", "MatrixColumnIndexColumnName", "UserId")]
    [DataRow("ials-alpha-negative", "Alpha", "-1")]
    [DataRow("ials-unobserved-weight-nan", "UnobservedWeight", "NaN")]
    [DataRow("ials-cg-steps-0", "CgSteps", "0")]
    [DataRow("twotower-dimension-0", "EmbeddingDimension", "0")]
    [DataRow("twotower-temperature-0", "Temperature", "0")]
    [DataRow("twotower-batch-1", "BatchSize", "1")]
    [DataRow("twotower-learning-rate-infinite", "LearningRate", "Infinity")]
    [DataRow("twotower-epochs-0", "NumberOfEpochs", "0")]
    [DataRow("widedeep-learning-rate-0", "DeepLearningRate", "0")]
    [DataRow("widedeep-ftrl-alpha-nan", "FtrlAlpha", "NaN")]
    [DataRow("widedeep-batch-0", "BatchSize", "0")]
    [DataRow("colored-groups-1", "GroupCount", "1")]
    [DataRow("colored-groups-probability", "InGroupProbability", "1.5")]
    [DataRow("delimited-no-separator", "Separator", "")]
    [DataRow("delimited-no-user", "UserColumn", "")]
    public void OutOfRangeOptionIsNamedWithItsValue(string name, string option, string value) =>
        BadInputAssert.Throws<ArgumentOutOfRangeException>(Cases[name], option, value);
}
