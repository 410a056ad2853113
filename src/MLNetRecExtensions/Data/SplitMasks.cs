namespace MLNetRecExtensions.Data;

/// <summary>
/// The split rules, computed as a per-row test mask (<c>true</c> = test row) so the in-memory and the
/// <see cref="Microsoft.ML.IDataView"/> splitters share one implementation and give identical rows.
/// Groups are users (0-based group index per row).
/// </summary>
internal static class SplitMasks
{
    /// <summary>Shuffles the row indices with <paramref name="seed"/>; the first round(f·n) (midpoint away from zero) are test.</summary>
    public static bool[] Random(int rowCount, double testFraction, int seed)
    {
        var order = new int[rowCount];
        for (int r = 0; r < rowCount; r++) order[r] = r;
        Shuffle(order, 0, rowCount, new Random(seed));
        int testCount = (int)Math.Round(testFraction * rowCount, MidpointRounding.AwayFromZero);
        var test = new bool[rowCount];
        for (int k = 0; k < testCount; k++) test[order[k]] = true;
        return test;
    }

    /// <summary>
    /// Per group, in group-index order, shuffles the group's rows (one <see cref="System.Random"/> seeded once) and sends
    /// the row at 0-based position p of n to train when p / n &lt; trainRatio.
    /// </summary>
    public static bool[] Stratified(int[] groups, int groupCount, double trainRatio, int seed)
    {
        var (start, rows) = RowsByGroup(groups, groupCount);
        var rng = new Random(seed);
        var test = new bool[groups.Length];
        for (int g = 0; g < groupCount; g++)
        {
            int s = start[g], n = start[g + 1] - s;
            Shuffle(rows, s, n, rng);
            for (int p = 0; p < n; p++)
                if (!((double)p / n < trainRatio)) test[rows[s + p]] = true;
        }
        return test;
    }

    /// <summary>
    /// Microsoft Recommenders' <c>python_stratified_split</c> row for row: one <see cref="Mt19937"/> draw
    /// (numpy <c>RandomState(seed).random_sample()</c>) per row in row order; per group, the rows stably sorted by
    /// their draw; the first round(trainRatio·n) (midpoint to even, as numpy's <c>round</c>) go to train.
    /// </summary>
    public static bool[] RecommendersStratified(int[] groups, int groupCount, double trainRatio, uint seed)
    {
        var rng = new Mt19937(seed);
        var draws = new double[groups.Length];
        for (int r = 0; r < draws.Length; r++) draws[r] = rng.NextDouble();
        var (start, rows) = RowsByGroup(groups, groupCount);
        var keys = new double[groups.Length];
        var test = new bool[groups.Length];
        for (int g = 0; g < groupCount; g++)
        {
            int s = start[g], n = start[g + 1] - s;
            for (int p = s; p < s + n; p++) keys[p] = draws[rows[p]];
            var segment = rows.AsSpan(s, n);
            StableSortByKey(keys.AsSpan(s, n), segment);
            int train = (int)Math.Round(trainRatio * n, MidpointRounding.ToEven);
            for (int p = train; p < n; p++) test[segment[p]] = true;
        }
        return test;
    }

    /// <summary>
    /// Per group, orders the rows by (time, original row) and marks the last <c>testCount(n)</c> as test, where n is
    /// the group's row count.
    /// </summary>
    public static bool[] TemporalLast(int[] groups, int groupCount, double[] times, Func<int, int> testCount)
    {
        var (start, rows) = RowsByGroup(groups, groupCount);
        var test = new bool[groups.Length];
        var keys = new double[groups.Length];
        for (int g = 0; g < groupCount; g++)
        {
            int s = start[g], n = start[g + 1] - s;
            int t = testCount(n);
            if (t <= 0) continue;
            for (int p = s; p < s + n; p++) keys[p] = times[rows[p]];
            // Rows are in original order within the group, so a stable sort breaks time ties by row order.
            var segment = rows.AsSpan(s, n);
            var segKeys = keys.AsSpan(s, n);
            StableSortByKey(segKeys, segment);
            for (int p = n - t; p < n; p++) test[segment[p]] = true;
        }
        return test;
    }

    /// <summary>Rows with time &lt; cut go to train, the others to test.</summary>
    public static bool[] TimeCut(double[] times, double cutTime)
    {
        var test = new bool[times.Length];
        for (int r = 0; r < times.Length; r++) test[r] = !(times[r] < cutTime);
        return test;
    }

    /// <summary>Row indices grouped by group (counting sort, original order kept within a group): group g's rows are rows[start[g]..start[g+1]].</summary>
    private static (int[] Start, int[] Rows) RowsByGroup(int[] groups, int groupCount)
    {
        var start = new int[groupCount + 1];
        foreach (var g in groups) start[g + 1]++;
        for (int g = 0; g < groupCount; g++) start[g + 1] += start[g];
        var next = (int[])start.Clone();
        var rows = new int[groups.Length];
        for (int r = 0; r < groups.Length; r++) rows[next[groups[r]]++] = r;
        return (start, rows);
    }

    private static void Shuffle(int[] values, int offset, int count, Random rng)
    {
        for (int k = count - 1; k > 0; k--)
        {
            int j = rng.Next(k + 1);
            (values[offset + k], values[offset + j]) = (values[offset + j], values[offset + k]);
        }
    }

    /// <summary>Insertion sort for short groups, otherwise a sort on (key, row) pairs; both stable with respect to row order.</summary>
    private static void StableSortByKey(Span<double> keys, Span<int> rows)
    {
        if (keys.Length <= 32)
        {
            for (int i = 1; i < keys.Length; i++)
            {
                double k = keys[i]; int r = rows[i]; int j = i - 1;
                while (j >= 0 && keys[j] > k) { keys[j + 1] = keys[j]; rows[j + 1] = rows[j]; j--; }
                keys[j + 1] = k; rows[j + 1] = r;
            }
            return;
        }
        var pairs = new (double Key, int Row)[keys.Length];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = (keys[i], rows[i]);
        // Rows are ascending within a group, so comparing (key, row) is a stable order by key.
        Array.Sort(pairs);
        for (int i = 0; i < pairs.Length; i++) { keys[i] = pairs[i].Key; rows[i] = pairs[i].Row; }
    }
}
