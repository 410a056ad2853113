namespace MLNetRecExtensions.Ranking;

/// <summary>Recommendations of <see cref="TwoStageModel.Recommend"/>; entry q of each list belongs to <c>Users[q]</c>.</summary>
/// <param name="Users">The 0-based users, in the order requested.</param>
/// <param name="Candidates">Each user's N candidates in the generator's order (best first, seen items excluded).</param>
/// <param name="Reranked">Each user's top K after re-ranking (ranker score descending; ties keep candidate order).</param>
/// <param name="RerankedScores">The ranker's score of each item of <paramref name="Reranked"/>, aligned with it.</param>
/// <param name="CandidateGeneration">Time spent generating the candidates.</param>
/// <param name="FeatureBuilding">Time spent building the pair features.</param>
/// <param name="Scoring">Time spent scoring with the ranker and sorting.</param>
public sealed record TwoStageRecommendations(
    IReadOnlyList<int> Users, int[][] Candidates, int[][] Reranked, float[][] RerankedScores,
    TimeSpan CandidateGeneration, TimeSpan FeatureBuilding, TimeSpan Scoring);
