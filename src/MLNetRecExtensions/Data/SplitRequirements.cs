using System.Globalization;

namespace MLNetRecExtensions.Data;

/// <summary>
/// The splitters' check that both parts get rows: when one is empty the split throws, saying what the rule needs
/// (e.g. "users with at least 4 distinct items") and what the data has, instead of returning an empty part that
/// evaluates to metrics of 0.
/// </summary>
internal static class SplitRequirements
{
    /// <summary>Throws <see cref="InvalidDataException"/> when the mask leaves train or test empty.</summary>
    public static void Check(bool[] testMask, string split, string need, Func<string> describe)
    {
        int test = 0;
        foreach (var t in testMask) if (t) test++;
        if (test > 0 && test < testMask.Length) return;
        string side = testMask.Length == 0 ? "train or test" : test == 0 ? "test" : "train";
        throw new InvalidDataException($"Too little data for the {split} split: it leaves the {side} part empty. {need} {describe()}");
    }

    /// <summary>The smallest per-user row count for which <paramref name="testCount"/> sends a row to test (searched up to 10,000).</summary>
    public static int MinimumPerUser(Func<int, int> testCount)
    {
        for (int n = 1; n <= 10_000; n++) if (testCount(n) > 0) return n;
        return 10_000;
    }

    /// <summary>What the data holds, for the error message; names a single-item catalog as the cause it is.</summary>
    public static string Describe(int[] users, int[] items, int userCount, PairGroups pairs)
    {
        var usersWithRows = new HashSet<int>(users).Count;
        var itemsWithRows = new HashSet<int>(items).Count;
        var perUser = new int[userCount];
        foreach (var r in pairs.Representatives) perUser[users[r]]++;
        int most = perUser.Length == 0 ? 0 : perUser.Max();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"The data has {users.Length:N0} rows ({pairs.Count:N0} distinct (user, item) pairs) from {usersWithRows:N0} users over {itemsWithRows:N0} items; the most distinct items any user has is {most:N0}.");
        if (itemsWithRows == 1)
            text += " It holds a single item, so once a user's training items are excluded nothing is left to recommend or evaluate: a recommender needs at least 2 items.";
        return text;
    }

    /// <summary>The stratified rule's test rows for a user with <paramref name="n"/> rows.</summary>
    public static int StratifiedTestCount(int n, double trainRatio)
    {
        int test = 0;
        for (int p = 0; p < n; p++) if (!((double)p / n < trainRatio)) test++;
        return test;
    }
}
