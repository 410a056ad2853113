using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Ranking;

/// <summary>What <see cref="TwoStageRecommender.Fit"/> trained on and how long each part took.</summary>
/// <param name="BaseRows">Training interactions in the base part (the generator's training data during ranker training).</param>
/// <param name="RankerLabelRows">Training interactions in the ranker-label part.</param>
/// <param name="RankerRows">Pair rows the ranker was trained on.</param>
/// <param name="RankerPositives">Rows labelled 1 (candidates found in the ranker-label part).</param>
/// <param name="RankerGroups">Users (groups) in the ranker's training rows.</param>
/// <param name="CandidateFit">Time spent fitting the generator (base part, plus the refit on all training data).</param>
/// <param name="RefitTime">Part of <paramref name="CandidateFit"/> spent on the refit (zero without refit).</param>
/// <param name="CandidateGeneration">Time spent generating the training candidates.</param>
/// <param name="FeatureBuilding">Time spent building the training rows.</param>
/// <param name="RankerFit">Time spent fitting the ranker.</param>
public sealed record TwoStageTrainingSummary(
    int BaseRows, int RankerLabelRows, int RankerRows, int RankerPositives, int RankerGroups,
    TimeSpan CandidateFit, TimeSpan RefitTime, TimeSpan CandidateGeneration, TimeSpan FeatureBuilding, TimeSpan RankerFit);

/// <summary>
/// Two-stage quality on a held-out split, every metric over the test users with the same
/// <see cref="RankingEvaluator"/> definitions.
/// </summary>
/// <param name="CandidateGenerator">The serving candidate generator alone: its own top K (the first K candidates).</param>
/// <param name="Reranked">The top K after re-ranking the N candidates.</param>
/// <param name="CandidateRecall">Recall@N of the candidate lists: the ceiling of any re-ranking's recall.</param>
/// <param name="CandidateCount">N.</param>
/// <param name="Training">What the ranker was trained on, and the training timings.</param>
/// <param name="Serving">Users, candidates and the serving timings of the test users' recommendations.</param>
public sealed record TwoStageReport(
    RankingReport CandidateGenerator, RankingReport Reranked, double CandidateRecall, int CandidateCount,
    TwoStageTrainingSummary Training, TwoStageRecommendations Serving);
