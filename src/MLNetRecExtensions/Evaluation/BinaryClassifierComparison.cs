using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// Side-by-side comparison of binary classifiers: each named estimator (a whole pipeline or a trainer) is fitted on
/// the training data (timed), applied to the test data and scored with <c>BinaryClassification.Evaluate</c>
/// (or <c>EvaluateNonCalibrated</c> when its output has no <c>Probability</c> column; log-loss is then absent).
/// The estimators must produce <c>Score</c> and a Boolean <c>PredictedLabel</c>; the label column is Boolean.
/// </summary>
public sealed class BinaryClassifierComparison
{
    private readonly MLContext _mlContext;
    private readonly List<(string Name, IEstimator<ITransformer> Estimator)> _models = new();

    /// <summary>Creates an empty comparison.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="labelColumnName">Boolean label column of the test data.</param>
    public BinaryClassifierComparison(MLContext mlContext, string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        _mlContext = mlContext;
        LabelColumnName = labelColumnName;
    }

    /// <summary>The label column.</summary>
    public string LabelColumnName { get; }

    /// <summary>Adds a model under <paramref name="name"/> (unique); returns this comparison.</summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    public BinaryClassifierComparison Add(string name, IEstimator<ITransformer> estimator)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(estimator);
        if (_models.Any(m => m.Name == name))
            throw new ArgumentException($"A model named '{name}' was already added; give every model its own name.", nameof(name));
        _models.Add((name, estimator));
        return this;
    }

    /// <summary>Fits and evaluates every model, in the order added.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="test">Test data with the same input columns.</param>
    /// <param name="dataset">Description of the data and split, shown as the leaderboard title.</param>
    /// <param name="log">Optional sink of one line per finished model.</param>
    /// <exception cref="InvalidOperationException">No model was added.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A model's output lacks <c>Score</c> or <c>PredictedLabel</c> (model named).</exception>
    public BinaryLeaderboard Run(IDataView train, IDataView test, string dataset, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (_models.Count == 0) throw new InvalidOperationException("Add at least one model before running the comparison.");
        var entries = new List<BinaryLeaderboardEntry>();
        foreach (var (name, estimator) in _models)
        {
            var clock = Stopwatch.StartNew();
            var model = estimator.Fit(train);
            double fitSeconds = clock.Elapsed.TotalSeconds;
            var scored = model.Transform(test);
            foreach (var column in new[] { "Score", "PredictedLabel" })
                if (scored.Schema.GetColumnOrNull(column) == null)
                    throw new ArgumentOutOfRangeException(nameof(test), $"The model '{name}' does not write a '{column}' column; binary classifiers must write Score and PredictedLabel.");
            var entry = scored.Schema.GetColumnOrNull("Probability") != null
                ? FromCalibrated(name, _mlContext.BinaryClassification.Evaluate(scored, LabelColumnName), fitSeconds)
                : FromUncalibrated(name, _mlContext.BinaryClassification.EvaluateNonCalibrated(scored, LabelColumnName), fitSeconds);
            entries.Add(entry);
            log?.Invoke($"{name}: accuracy {entry.Accuracy:F4}, AUC {entry.Auc:F4}, fit {fitSeconds:F1} s");
        }
        return new BinaryLeaderboard(dataset, entries);
    }

    private static BinaryLeaderboardEntry FromCalibrated(string name, CalibratedBinaryClassificationMetrics m, double seconds) =>
        new(name, m.Accuracy, m.AreaUnderRocCurve, m.LogLoss, m.F1Score, seconds);

    private static BinaryLeaderboardEntry FromUncalibrated(string name, BinaryClassificationMetrics m, double seconds) =>
        new(name, m.Accuracy, m.AreaUnderRocCurve, null, m.F1Score, seconds);
}
