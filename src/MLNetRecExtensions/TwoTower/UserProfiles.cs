namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The user-tower inputs that define the embedding of every known user (row u = user index u): the user ID, the
/// user's training items as history, and the tokens, categorical and continuous values of the user's LAST training row
/// (in data order). A user without training rows gets the fallback inputs: no ID, empty bags, missing categoricals and
/// the training mean of each continuous slot — the same vector key 0 (an unknown user) scores with after saving.
/// The example-age slot (when configured) is 0 in every profile: embeddings are for serving, at the end of training.
/// </summary>
internal static class UserProfiles
{
    public static UserFeatureRows Build(TwoTowerRows rows, TwoTowerNetwork network, float[] continuousMeans)
    {
        int userCount = network.Schema.UserCount;
        var last = new int[userCount];
        Array.Fill(last, -1);
        var source = rows.User;
        for (int r = 0; r < source.Count; r++) last[source.Users[r]] = r;

        int w = source.ContinuousWidth;
        var users = new int[userCount];
        var cats = source.Categoricals.Select(_ => new int[userCount]).ToArray();
        var continuous = new float[userCount * w];
        var tokens = source.Tokens == null ? null : new int[userCount][];
        var history = network.Options.HistoryColumnName == null ? null : new int[userCount][];
        for (int u = 0; u < userCount; u++)
        {
            int r = last[u];
            users[u] = r >= 0 ? u : -1;
            for (int f = 0; f < cats.Length; f++) cats[f][u] = r >= 0 ? source.Categoricals[f][r] : -1;
            (r >= 0 ? source.ContinuousOf(r) : continuousMeans).CopyTo(continuous.AsSpan(u * w, w));
            if (network.Schema.ExampleAgeSlots > 0) continuous[u * w + w - 1] = 0f; // serving is at example age 0
            if (tokens != null) tokens[u] = r >= 0 ? source.Tokens!.Of(r).ToArray() : [];
            if (history != null) history[u] = network.TrainingHistory.ItemsOf(u).ToArray();
        }
        return new UserFeatureRows
        {
            Count = userCount,
            Users = users,
            History = history == null ? null : Bags.From(history),
            Tokens = tokens == null ? null : Bags.From(tokens),
            Categoricals = cats,
            Continuous = continuous,
            ContinuousWidth = w,
        };
    }

    /// <summary>The one-row fallback input (no ID, empty bags, missing categoricals, mean continuous values).</summary>
    public static UserFeatureRows Fallback(TwoTowerNetwork network, float[] continuousMeans) => new()
    {
        Count = 1,
        Users = [-1],
        History = network.Options.HistoryColumnName == null ? null : Bags.From([Array.Empty<int>()]),
        Tokens = network.Tokens == null ? null : Bags.From([Array.Empty<int>()]),
        Categoricals = network.UserCategoricals.Select(_ => new[] { -1 }).ToArray(),
        Continuous = (float[])continuousMeans.Clone(),
        ContinuousWidth = continuousMeans.Length,
    };

    /// <summary>Mean of each raw continuous slot over the rows (the example-age slot, last when <paramref name="exampleAgeSlots"/> is 1, is 0).</summary>
    public static float[] ContinuousMeans(UserFeatureRows rows, int exampleAgeSlots)
    {
        int w = rows.ContinuousWidth;
        var sums = new double[w];
        for (int j = 0; j < rows.Continuous.Length; j++) sums[j % w] += rows.Continuous[j];
        var means = sums.Select(s => rows.Count == 0 ? 0f : (float)(s / rows.Count)).ToArray();
        if (exampleAgeSlots > 0) means[^1] = 0f;
        return means;
    }
}
