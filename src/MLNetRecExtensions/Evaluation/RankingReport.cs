namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// Ranking quality at cut-off <paramref name="K"/>, each metric averaged over the users that have at least one
/// test item (binary relevance: an item is relevant to a user when it is in the user's test row). Definitions
/// follow Microsoft Recommenders; see <see cref="RankingEvaluator.Evaluate"/>.
/// </summary>
/// <param name="K">The cut-off: only the first K recommendations of each user count.</param>
/// <param name="Precision">Precision@K: hits in the top K divided by K (K, even when fewer items were recommended).</param>
/// <param name="Recall">Recall@K: hits in the top K divided by the number of relevant items.</param>
/// <param name="Ndcg">NDCG@K: DCG (gain 1, discount 1/log2(rank + 1), rank 1-based) divided by the ideal DCG of min(relevant, K) hits.</param>
/// <param name="Map">MAP@K: sum over hits in the top K of the precision at that hit's rank, divided by the number of relevant items.</param>
/// <param name="Mrr">MRR@K: 1 / rank of the first hit in the top K, 0 when there is none.</param>
/// <param name="HitRate">HitRate@K: share of users with at least one hit in the top K.</param>
/// <param name="CatalogCoverage">Distinct items appearing in any user's top K, divided by the number of items of the test matrix.</param>
/// <param name="FoldingScore">
/// Mean share of a user's top K items whose group the user never interacted with (and that is not the user's own
/// group when user groups are given); null when item groups were not given.
/// </param>
/// <param name="UsersEvaluated">Users with at least one test item: the denominator of every average.</param>
/// <param name="UsersSkipped">Users without test items, left out of the averages.</param>
public sealed record RankingReport(
    int K,
    double Precision,
    double Recall,
    double Ndcg,
    double Map,
    double Mrr,
    double HitRate,
    double CatalogCoverage,
    double? FoldingScore,
    int UsersEvaluated,
    int UsersSkipped);
