using Microsoft.ML;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>Options of <see cref="RecommenderSearch"/>.</summary>
public sealed class RecommenderSearchOptions
{
    /// <summary>Exploration budget: no trial starts after it, nor one whose estimated time exceeds what is left. Default 60 s.</summary>
    public TimeSpan TrainingTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The metric maximized on the validation set. Default NDCG.</summary>
    public RankingMetric OptimizingMetric { get; set; } = RankingMetric.Ndcg;

    /// <summary>Cut-off of the metric and recommendations per user. Default 10.</summary>
    public int K { get; set; } = 10;

    /// <summary>Seed of the trainers and of the search's sampling. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Families to try; default all of <see cref="RecommenderKind"/> (MF only on rated data, two-stage only with a <see cref="TwoStageRanker"/>).</summary>
    public IReadOnlyList<RecommenderKind> Models { get; set; } = Enum.GetValues<RecommenderKind>();

    /// <summary>
    /// Builds the ranker of two-stage trials (e.g. <c>ml => ml.Ranking.Trainers.LightGbm(...)</c> or FastTree
    /// LambdaMART on <see cref="Ranking.PairFeatureColumns"/>); null skips two-stage. Default null.
    /// </summary>
    public Func<MLContext, IEstimator<ITransformer>>? TwoStageRanker { get; set; }

    /// <summary>
    /// Number of validation splits every trial is scored on by <see cref="RecommenderSearch.Run(Data.InteractionData)"/>:
    /// repeated per-user 80/20 splits of the training rows with seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, …
    /// (one split when the data has timestamps: the temporal split is unique). A trial's metric is the mean over the
    /// splits. Default 3: on ML-100K and on a sparse 10-ratings-per-user sample one split let within-noise
    /// differences pick a weaker model (test NDCG 0.4769 vs the iALS defaults' 0.4835; +7.8 % over popularity vs
    /// +19 % reachable), at the cost of three fits per trial.
    /// </summary>
    public int ValidationFolds { get; set; } = 3;

    /// <summary>Largest number of trials, including the defaults; default unlimited (the time budget decides).</summary>
    public int MaxTrials { get; set; } = int.MaxValue;

    /// <summary>Receives a report when a trial starts and when it ends, or null.</summary>
    public IProgress<RecommenderSearchProgress>? Progress { get; set; }
}

/// <summary>A progress report of <see cref="RecommenderSearch.Run(IReadOnlyList{Data.InteractionSplit})"/>.</summary>
/// <param name="Started">The trial about to be fitted (null in an end report).</param>
/// <param name="Completed">The trial just evaluated (null in a start report).</param>
/// <param name="Elapsed">Time since the search started.</param>
/// <param name="Budget">The exploration budget.</param>
public sealed record RecommenderSearchProgress(TrialSettings? Started, SearchTrial? Completed, TimeSpan Elapsed, TimeSpan Budget);

/// <summary>One evaluated point of the search.</summary>
/// <param name="Number">1-based order of the trial.</param>
/// <param name="Settings">What was trained.</param>
/// <param name="Metric">The optimized metric: the mean over the validation splits (NaN when the trial failed).</param>
/// <param name="Report">All metrics on the first validation split, or null when the trial failed.</param>
/// <param name="Seconds">Fit plus evaluation time over all splits.</param>
/// <param name="Error">The failure message, or null.</param>
/// <param name="FoldMetrics">The optimized metric on each validation split, in split order (empty when the trial failed).</param>
public sealed record SearchTrial(int Number, TrialSettings Settings, double Metric, Evaluation.RankingReport? Report, double Seconds, string? Error,
    IReadOnlyList<double> FoldMetrics)
{
    /// <summary>Standard error of <see cref="Metric"/> across the splits (sample standard deviation / √n); 0 with fewer than two splits.</summary>
    public double StandardError => RecommenderSearch.StandardError(FoldMetrics);
}

/// <summary>The outcome of <see cref="RecommenderSearch.Run(IReadOnlyList{Data.InteractionSplit})"/>.</summary>
/// <param name="Trials">Every trial in order.</param>
/// <param name="Best">The chosen trial: <paramref name="HighestMean"/>, or its family's defaults when they are within one
/// standard error of it (see <see cref="RecommenderSearch.Select"/>).</param>
/// <param name="Elapsed">Total search time.</param>
/// <param name="HighestMean">The trial with the highest mean metric (the earlier one on ties).</param>
public sealed record RecommenderSearchResult(IReadOnlyList<SearchTrial> Trials, SearchTrial Best, TimeSpan Elapsed, SearchTrial HighestMean);
