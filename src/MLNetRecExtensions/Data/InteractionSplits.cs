using System.Globalization;

namespace MLNetRecExtensions.Data;

/// <summary>
/// Train/test splitters for interactions, in memory (<see cref="InteractionData"/> → <see cref="InteractionSplit"/>)
/// and for any <see cref="Microsoft.ML.IDataView"/> (→ <see cref="DataViewSplit"/>, keeping every column).
/// Both forms apply the same rule to the same rows, so they select identical rows; each part keeps the input's
/// row order. Deterministic for a fixed seed.
/// </summary>
/// <remarks>
/// Every copy of a repeated (user, item) pair goes to the same side: the rules below decide per distinct pair (its
/// first row; for the time-based rules its latest time), so repeats never leak from train into test. Without repeats
/// this is the per-row rule. A split that would leave train or test empty throws <see cref="InvalidDataException"/>
/// saying how much data the rule needs and what the data has (e.g. a single item, or users with too few items).
/// </remarks>
public static partial class InteractionSplits
{
    /// <summary>
    /// Random split: the rows are shuffled with <paramref name="seed"/> and the first round(testFraction·n)
    /// (midpoint rounded away from zero) go to test.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static InteractionSplit Random(InteractionData data, double testFraction = 0.2, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(testFraction, nameof(testFraction));
        var pairs = Pairs(data);
        var mask = pairs.Expand(SplitMasks.Random(pairs.Count, testFraction, seed));
        return Apply(data, mask, pairs, "random", string.Create(CultureInfo.InvariantCulture,
            $"It sends round({testFraction}·pairs) distinct (user, item) pairs to test, so it needs at least {Math.Ceiling(0.5 / testFraction)} distinct pairs and more than one."));
    }

    /// <summary>
    /// Per-user stratified split: each user's rows are shuffled (one <see cref="System.Random"/> seeded with
    /// <paramref name="seed"/>, users taken in index order) and the row at 0-based position p of the user's n rows
    /// goes to train when p / n &lt; <paramref name="trainRatio"/>. So every user gets ceil(trainRatio·n) train rows and
    /// keeps at least one; e.g. 4 rows at 0.75 → 3 train, 1 test. This is the protocol of Microsoft Recommenders'
    /// <c>python_stratified_split</c> up to the random draws and the rounding; for its exact rows use
    /// <see cref="RecommendersStratifiedByUser(InteractionData, double, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainRatio"/> is not in (0, 1).</exception>
    public static InteractionSplit StratifiedByUser(InteractionData data, double trainRatio = 0.75, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(trainRatio, nameof(trainRatio));
        var pairs = Pairs(data);
        var mask = pairs.Expand(SplitMasks.Stratified(pairs.Gather(data.Users), data.UserCount, trainRatio, seed));
        return Apply(data, mask, pairs, "stratified", StratifiedNeed(trainRatio));
    }

    /// <summary>
    /// Microsoft Recommenders' <c>python_stratified_split(data, ratio=trainRatio, seed=seed)</c> row for row (same
    /// rows in train and test as the Python function on the same file): numpy's <c>RandomState(seed)</c>
    /// (MT19937, <c>genrand_res53</c>) draws one number per row in row order, each user's rows are stably sorted by
    /// their draw, and the first round(trainRatio·n) of the user's n rows (midpoint to even) go to train. So a user
    /// with 1 row keeps it in train, 2 rows at 0.75 → 2 train, 6 rows → 4 train (4.5 rounds to 4). Unlike the Python
    /// function, copies of a repeated (user, item) pair all follow the pair's first row (identical rows when nothing repeats).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainRatio"/> is not in (0, 1), or <paramref name="seed"/> is negative.</exception>
    public static InteractionSplit RecommendersStratifiedByUser(InteractionData data, double trainRatio = 0.75, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(trainRatio, nameof(trainRatio));
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        // Decided per row as in Python (so the rows match exactly); a repeated pair then follows its first row.
        var pairs = Pairs(data);
        var mask = pairs.Unify(SplitMasks.RecommendersStratified(data.Users, data.UserCount, trainRatio, (uint)seed));
        return Apply(data, mask, pairs, "Recommenders stratified", RecommendersNeed(trainRatio));
    }

    /// <summary>
    /// Leave-last-N-out: per user, the <paramref name="lastN"/> latest rows by timestamp (ties broken by row order,
    /// later rows count as later) go to test. Users with at most <paramref name="lastN"/> rows stay entirely in train.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastN"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">The data has no timestamps.</exception>
    public static InteractionSplit TemporalByUser(InteractionData data, int lastN = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckLastN(lastN);
        var times = RequireTimestamps(data);
        var pairs = Pairs(data);
        var mask = pairs.Expand(SplitMasks.TemporalLast(pairs.Gather(data.Users), data.UserCount, pairs.Latest(times), n => n > lastN ? lastN : 0));
        return Apply(data, mask, pairs, "temporal (last N per user)", TemporalNeed(lastN));
    }

    /// <summary>
    /// Per-user temporal split by fraction: per user with n rows, the latest floor(testFraction·n) rows by timestamp
    /// (ties broken by row order) go to test. Flooring means every user keeps at least one train row and users with
    /// fewer than 1/testFraction rows stay entirely in train (this matches Recommenders' <c>python_chrono_split</c>,
    /// which keeps ceil((1 − testFraction)·n) rows for training).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The data has no timestamps.</exception>
    public static InteractionSplit TemporalByUserFraction(InteractionData data, double testFraction)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(testFraction, nameof(testFraction));
        var times = RequireTimestamps(data);
        var pairs = Pairs(data);
        var mask = pairs.Expand(SplitMasks.TemporalLast(pairs.Gather(data.Users), data.UserCount, pairs.Latest(times), n => FractionTestCount(n, testFraction)));
        return Apply(data, mask, pairs, "temporal (fraction per user)", FractionNeed(testFraction));
    }

    /// <summary>Global temporal split: rows with timestamp &lt; <paramref name="cutTime"/> go to train, the rest to test.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutTime"/> is NaN.</exception>
    /// <exception cref="InvalidOperationException">The data has no timestamps.</exception>
    public static InteractionSplit GlobalTimeCut(InteractionData data, double cutTime)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (double.IsNaN(cutTime)) throw new ArgumentOutOfRangeException(nameof(cutTime), cutTime, "The cut time is NaN; pass a time in the data's unit (seconds).");
        var times = RequireTimestamps(data);
        var pairs = Pairs(data);
        var mask = pairs.Expand(SplitMasks.TimeCut(pairs.Latest(times), cutTime));
        return Apply(data, mask, pairs, "global time cut", TimeCutNeed(cutTime, times));
    }

    private static PairGroups Pairs(InteractionData data) => PairGroups.Build(data.Users, data.Items, data.UserCount);

    private static string StratifiedNeed(double trainRatio) => string.Create(CultureInfo.InvariantCulture,
        $"Each user keeps ceil({trainRatio}·n) of its n distinct items for training, so at least one user needs {SplitRequirements.MinimumPerUser(n => SplitRequirements.StratifiedTestCount(n, trainRatio))} or more distinct items.");

    private static string RecommendersNeed(double trainRatio) => string.Create(CultureInfo.InvariantCulture,
        $"Each user keeps round({trainRatio}·n) of its n rows for training, so at least one user needs {SplitRequirements.MinimumPerUser(n => n - (int)Math.Round(trainRatio * n, MidpointRounding.ToEven))} or more rows.");

    private static string TemporalNeed(int lastN) =>
        $"Each user's {lastN} latest items go to test only when the user has more than {lastN}, so at least one user needs {lastN + 1} or more distinct items.";

    private static string FractionNeed(double testFraction) => string.Create(CultureInfo.InvariantCulture,
        $"Each user sends floor({testFraction}·n) of its n distinct items to test, so at least one user needs {SplitRequirements.MinimumPerUser(n => FractionTestCount(n, testFraction))} or more distinct items.");

    private static string TimeCutNeed(double cutTime, double[] times) => times.Length == 0 ? "The data has no rows." :
        string.Create(CultureInfo.InvariantCulture,
            $"The cut time {cutTime} must lie inside the data's time span [{times.Min()}, {times.Max()}] so that rows fall on both sides.");

    internal static int FractionTestCount(int n, double testFraction)
    {
        // The small tolerance keeps e.g. 0.3·10 = 2.9999999999999996 at 3.
        int t = (int)Math.Floor(testFraction * n + 1e-9);
        return Math.Min(t, n - 1);
    }

    private static InteractionSplit Apply(InteractionData data, bool[] testMask, PairGroups pairs, string split, string need)
    {
        SplitRequirements.Check(testMask, split, need, () => SplitRequirements.Describe(data.Users, data.Items, data.UserCount, pairs));
        var train = new List<int>(data.Count);
        var test = new List<int>();
        for (int r = 0; r < testMask.Length; r++) (testMask[r] ? test : train).Add(r);
        return new InteractionSplit(data.Subset(train), data.Subset(test));
    }

    private static double[] RequireTimestamps(InteractionData data) =>
        data.Timestamps ?? throw new InvalidOperationException(
            "This split orders interactions by time, but the data has no timestamps. Load a file with a timestamp column, or use Random or StratifiedByUser.");

    private static void CheckFraction(double value, string name)
    {
        if (!(value > 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be strictly between 0 and 1, but is {value}.");
    }

    private static void CheckLastN(int lastN)
    {
        if (lastN < 1) throw new ArgumentOutOfRangeException(nameof(lastN), lastN, $"lastN must be at least 1, but is {lastN}.");
    }
}
