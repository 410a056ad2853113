namespace MLNetRecExtensions.Evaluation;

/// <summary>One model's row of a <see cref="Leaderboard"/>.</summary>
/// <param name="Model">Name the model was added under.</param>
/// <param name="Ranking">Top-K metrics on the test split, seen items excluded.</param>
/// <param name="Rating">RMSE/MAE on the test rows, for models added as rating predictors; otherwise null.</param>
/// <param name="FitSeconds">Wall time of <c>Fit</c> on the training split.</param>
/// <param name="RecommendMicrosecondsPerUser">Wall time of ranking the catalog per evaluated user.</param>
/// <param name="ScoringPath">"embeddings" when ranked through <see cref="Retrieval.IEmbeddingModel"/>, "pairs" when by scoring (user, item) rows, "own" for an <see cref="IRecommenderTrainer"/>.</param>
public sealed record LeaderboardEntry(string Model, RankingReport Ranking, RatingReport? Rating, double FitSeconds,
    double RecommendMicrosecondsPerUser, string ScoringPath)
{
    /// <summary>
    /// With <see cref="ComparisonOptions.Index"/> set, the fraction of the exact top-K (over all evaluated users) the
    /// index returned for this embedding model (1 = identical sets); null when ranked exactly or not by embeddings.
    /// </summary>
    public double? IndexRecall { get; init; }
}
