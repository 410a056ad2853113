using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// What <see cref="RecommenderComparison.Run"/> checks before fitting anything: a split it cannot evaluate is an
/// error naming the cause; a K larger than the catalog, or test rows repeating training pairs, are warnings on the
/// leaderboard.
/// </summary>
internal static class ComparisonChecks
{
    /// <summary>Throws for a split that cannot be evaluated; returns the warnings for one that can.</summary>
    /// <exception cref="InvalidDataException">Train or test is empty, or the catalog has fewer than 2 items.</exception>
    public static IReadOnlyList<string> Check(InteractionSplit split, int k)
    {
        int items = split.Train.ItemCount;
        if (items < 2)
            throw new InvalidDataException(
                $"The catalog has a single item ({Describe(split.Train)}): once a user's training items are excluded nothing is left " +
                "to recommend, so there is nothing to rank or evaluate. A recommender comparison needs at least 2 items.");
        if (split.Train.Count == 0)
            throw new InvalidDataException($"The training split is empty ({split.Test.Count:N0} test rows): nothing to fit. Give the split more data or a smaller test fraction.");
        if (split.Test.Count == 0)
            throw new InvalidDataException(
                $"The test split is empty ({split.Train.Count:N0} training rows): there is nothing to evaluate and every metric would be 0. " +
                "Per-user splits hold out rows only for users with several distinct items; give the data more interactions per user or use the random split.");
        var warnings = new List<string>();
        var seen = UserItemMatrix.FromInteractions(split.Train);
        int leaked = 0;
        for (int r = 0; r < split.Test.Count; r++) if (seen.Contains(split.Test.Users[r], split.Test.Items[r])) leaked++;
        if (leaked > 0)
            warnings.Add($"{leaked:N0} of {split.Test.Count:N0} test rows repeat a (user, item) pair of the training split: their ratings leak into " +
                         "training (RMSE/MAE look better than they are) and, as seen items are excluded, they can never be recommended. " +
                         "Split with InteractionSplits, which keeps every copy of a pair on one side.");
        if (k > items)
            warnings.Add($"K = {k} is larger than the catalog ({items} items): each list holds at most the {items} items minus the user's " +
                         $"training items, Precision@{k} still divides by {k} (so it is at most {items}/{k}), and Recall/HitRate@{k} count every unseen item. " +
                         $"Use K ≤ {items}.");
        return warnings;
    }

    private static string Describe(InteractionData data) =>
        data.ItemIds is { Length: > 0 } ids ? $"item '{ids[0]}', {data.Count:N0} training rows" : $"{data.Count:N0} training rows";
}
