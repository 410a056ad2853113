using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Ranking metrics of recommendations given in original ids (e.g. read back from a saved model) against a test
/// file in original ids, with the definitions of <see cref="RankingEvaluator.Evaluate"/>.
/// </summary>
public static class RecommendationEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="recommender"/> on <paramref name="test"/> (original ids): every test user gets
    /// <see cref="IItemRecommender{TUser, TItem}.RecommendBatch"/> (training items excluded; unknown users the
    /// cold-start list), then as <see cref="Evaluate(IEnumerable{UserRecommendations{string, string}}, InteractionData, int, InteractionData?)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or the test data has no original ids.</exception>
    public static RankingReport Evaluate(IItemRecommender<string, string> recommender, InteractionData test, int k)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        ArgumentNullException.ThrowIfNull(test);
        if (test.UserIds == null)
            throw new ArgumentOutOfRangeException(nameof(test), "The test data carries no original ids; load it with InteractionLoaders.");
        var users = test.Users.Distinct().Select(u => test.UserIds[u]).ToArray();
        return Evaluate(recommender.RecommendBatch(users, k), test, k);
    }

    /// <summary>
    /// Evaluates the first <paramref name="k"/> items of each test user's list. Every user with a test interaction
    /// is evaluated (one without a list scores 0); items in <paramref name="exclude"/> for that user (typically the
    /// training interactions) are removed from its list first. Catalog coverage is relative to the items of the test
    /// data plus the recommended ones.
    /// </summary>
    /// <param name="recommendations">Lists by user (a user listed twice keeps its first list).</param>
    /// <param name="test">Held-out interactions with original ids.</param>
    /// <param name="k">Cut-off (≥ 1).</param>
    /// <param name="exclude">Interactions never to count as recommended (removed before cutting at k), or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or the test data has no original ids.</exception>
    public static RankingReport Evaluate(IEnumerable<UserRecommendations<string, string>> recommendations, InteractionData test, int k,
        InteractionData? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(test);
        if (test.UserIds == null || test.ItemIds == null)
            throw new ArgumentOutOfRangeException(nameof(test), "The test data carries no original ids; load it with InteractionLoaders.");
        var userIndex = KeyRemapping.Lookup(test.UserIds);
        var itemIndex = KeyRemapping.Lookup(test.ItemIds);
        var excluded = new HashSet<(string, string)>();
        if (exclude?.UserIds != null && exclude.ItemIds != null)
            for (int r = 0; r < exclude.Count; r++) excluded.Add((exclude.UserIds[exclude.Users[r]], exclude.ItemIds[exclude.Items[r]]));
        var ranked = new int[]?[test.UserCount];
        foreach (var list in recommendations)
        {
            if (!userIndex.TryGetValue(list.User, out int u) || ranked[u] != null) continue;
            ranked[u] = list.Items.Where(s => !excluded.Contains((list.User, s.Item)))
                .Select(s => itemIndex.TryGetValue(s.Item, out int i) ? i : itemIndex[s.Item] = itemIndex.Count).ToArray();
        }
        var testMatrix = UserItemMatrix.FromInteractions(new InteractionData(test.UserCount, Math.Max(itemIndex.Count, test.ItemCount),
            test.Users, test.Items, test.Labels));
        return RankingEvaluator.Evaluate(ranked, testMatrix, k);
    }
}
