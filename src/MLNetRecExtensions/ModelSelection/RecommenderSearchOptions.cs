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

    /// <summary>Largest number of trials, including the defaults; default unlimited (the time budget decides).</summary>
    public int MaxTrials { get; set; } = int.MaxValue;

    /// <summary>Receives a report when a trial starts and when it ends, or null.</summary>
    public IProgress<RecommenderSearchProgress>? Progress { get; set; }
}

/// <summary>A progress report of <see cref="RecommenderSearch.Run"/>.</summary>
/// <param name="Started">The trial about to be fitted (null in an end report).</param>
/// <param name="Completed">The trial just evaluated (null in a start report).</param>
/// <param name="Elapsed">Time since the search started.</param>
/// <param name="Budget">The exploration budget.</param>
public sealed record RecommenderSearchProgress(TrialSettings? Started, SearchTrial? Completed, TimeSpan Elapsed, TimeSpan Budget);

/// <summary>One evaluated point of the search.</summary>
/// <param name="Number">1-based order of the trial.</param>
/// <param name="Settings">What was trained.</param>
/// <param name="Metric">The optimized metric on the validation set (NaN when the trial failed).</param>
/// <param name="Report">All validation metrics, or null when the trial failed.</param>
/// <param name="Seconds">Fit plus evaluation time.</param>
/// <param name="Error">The failure message, or null.</param>
public sealed record SearchTrial(int Number, TrialSettings Settings, double Metric, Evaluation.RankingReport? Report, double Seconds, string? Error);

/// <summary>The outcome of <see cref="RecommenderSearch.Run"/>.</summary>
/// <param name="Trials">Every trial in order.</param>
/// <param name="Best">The trial with the highest metric (the earlier one on ties).</param>
/// <param name="Elapsed">Total search time.</param>
public sealed record RecommenderSearchResult(IReadOnlyList<SearchTrial> Trials, SearchTrial Best, TimeSpan Elapsed);
