using System.Globalization;
using Microsoft.ML;

namespace MLNetRecExtensions.Data;

public static partial class InteractionSplits
{
    /// <summary>
    /// Random split of any <see cref="IDataView"/> (all columns kept); same rule and rows as
    /// <see cref="Random(InteractionData, double, int)"/>. When the view has <c>UserId</c> and <c>ItemId</c> columns,
    /// repeated (user, item) pairs stay on one side as in the in-memory form.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static DataViewSplit Random(IDataView data, double testFraction = 0.2, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(testFraction, nameof(testFraction));
        var pairs = ViewPairs(data, InteractionColumns.User, InteractionColumns.Item);
        int count = pairs?.Count ?? DataViewColumnReader.CountRows(data);
        var mask = SplitMasks.Random(count, testFraction, seed);
        return Wrap(pairs?.Expand(mask) ?? mask, data, "random", string.Create(CultureInfo.InvariantCulture,
            $"It sends round({testFraction}·rows) to test, so it needs at least {Math.Ceiling(0.5 / testFraction)} distinct rows and more than one."));
    }

    /// <summary>
    /// Per-user stratified split of any <see cref="IDataView"/> (all columns kept); same rule as
    /// <see cref="StratifiedByUser(InteractionData, double, int)"/>. The user column may be a <c>UInt32</c> key, a
    /// numeric or a text column; users are numbered in order of first appearance (for a key column, by key), which
    /// for the key columns of <see cref="InteractionData.ToDataView"/> gives exactly the in-memory result.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The user column is missing or of an unsupported type, or
    /// <paramref name="trainRatio"/> is not in (0, 1).</exception>
    public static DataViewSplit StratifiedByUser(IDataView data, string userColumn = InteractionColumns.User,
        double trainRatio = 0.75, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(trainRatio, nameof(trainRatio));
        var (groups, count) = DataViewColumnReader.ReadGroups(data, userColumn);
        var pairs = ViewPairs(data, userColumn, InteractionColumns.Item);
        var mask = pairs == null ? SplitMasks.Stratified(groups, count, trainRatio, seed)
            : pairs.Expand(SplitMasks.Stratified(pairs.Gather(groups), count, trainRatio, seed));
        return Wrap(mask, data, "stratified", StratifiedNeed(trainRatio));
    }

    /// <summary>
    /// Microsoft Recommenders' exact per-user stratified split of any <see cref="IDataView"/> (all columns kept); same
    /// rule and rows as <see cref="RecommendersStratifiedByUser(InteractionData, double, int)"/>, users numbered as in
    /// <see cref="StratifiedByUser(IDataView, string, double, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The user column is missing or of an unsupported type,
    /// <paramref name="trainRatio"/> is not in (0, 1), or <paramref name="seed"/> is negative.</exception>
    public static DataViewSplit RecommendersStratifiedByUser(IDataView data, string userColumn = InteractionColumns.User,
        double trainRatio = 0.75, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(trainRatio, nameof(trainRatio));
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        var (groups, count) = DataViewColumnReader.ReadGroups(data, userColumn);
        var mask = SplitMasks.RecommendersStratified(groups, count, trainRatio, (uint)seed);
        return Wrap(ViewPairs(data, userColumn, InteractionColumns.Item)?.Unify(mask) ?? mask, data, "Recommenders stratified", RecommendersNeed(trainRatio));
    }

    /// <summary>
    /// Leave-last-N-out per user on any <see cref="IDataView"/> (all columns kept); same rule as
    /// <see cref="TemporalByUser(InteractionData, int)"/>. The timestamp column must be numeric and finite.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or <paramref name="lastN"/> &lt; 1.</exception>
    /// <exception cref="InvalidDataException">A timestamp is NaN or infinite.</exception>
    public static DataViewSplit TemporalByUser(IDataView data, string userColumn = InteractionColumns.User,
        string timestampColumn = InteractionColumns.Timestamp, int lastN = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckLastN(lastN);
        var (groups, count) = DataViewColumnReader.ReadGroups(data, userColumn);
        var times = DataViewColumnReader.ReadTimes(data, timestampColumn);
        var pairs = ViewPairs(data, userColumn, InteractionColumns.Item);
        Func<int, int> testCount = n => n > lastN ? lastN : 0;
        var mask = pairs == null ? SplitMasks.TemporalLast(groups, count, times, testCount)
            : pairs.Expand(SplitMasks.TemporalLast(pairs.Gather(groups), count, pairs.Latest(times), testCount));
        return Wrap(mask, data, "temporal (last N per user)", TemporalNeed(lastN));
    }

    /// <summary>
    /// Per-user temporal split by fraction on any <see cref="IDataView"/> (all columns kept); same rule as
    /// <see cref="TemporalByUserFraction(InteractionData, double)"/> (floor(testFraction·n) latest rows per user to test).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or <paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidDataException">A timestamp is NaN or infinite.</exception>
    public static DataViewSplit TemporalByUserFraction(IDataView data, double testFraction,
        string userColumn = InteractionColumns.User, string timestampColumn = InteractionColumns.Timestamp)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(testFraction, nameof(testFraction));
        var (groups, count) = DataViewColumnReader.ReadGroups(data, userColumn);
        var times = DataViewColumnReader.ReadTimes(data, timestampColumn);
        var pairs = ViewPairs(data, userColumn, InteractionColumns.Item);
        Func<int, int> testCount = n => FractionTestCount(n, testFraction);
        var mask = pairs == null ? SplitMasks.TemporalLast(groups, count, times, testCount)
            : pairs.Expand(SplitMasks.TemporalLast(pairs.Gather(groups), count, pairs.Latest(times), testCount));
        return Wrap(mask, data, "temporal (fraction per user)", FractionNeed(testFraction));
    }

    /// <summary>
    /// Global time cut on any <see cref="IDataView"/> (all columns kept): rows with timestamp &lt;
    /// <paramref name="cutTime"/> go to train.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp column is missing or not numeric, or <paramref name="cutTime"/> is NaN.</exception>
    /// <exception cref="InvalidDataException">A timestamp is NaN or infinite.</exception>
    public static DataViewSplit GlobalTimeCut(IDataView data, double cutTime, string timestampColumn = InteractionColumns.Timestamp)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (double.IsNaN(cutTime)) throw new ArgumentOutOfRangeException(nameof(cutTime), cutTime, "The cut time is NaN; pass a time in the data's unit (seconds).");
        var times = DataViewColumnReader.ReadTimes(data, timestampColumn);
        var pairs = ViewPairs(data, InteractionColumns.User, InteractionColumns.Item);
        var mask = pairs == null ? SplitMasks.TimeCut(times, cutTime) : pairs.Expand(SplitMasks.TimeCut(pairs.Latest(times), cutTime));
        return Wrap(mask, data, "global time cut", TimeCutNeed(cutTime, times));
    }

    // Repeated (user, item) pairs are kept on one side when the view has both columns (by these names).
    private static PairGroups? ViewPairs(IDataView data, string userColumn, string itemColumn)
    {
        if (data.Schema.GetColumnOrNull(userColumn) == null || data.Schema.GetColumnOrNull(itemColumn) == null) return null;
        var (users, userCount) = DataViewColumnReader.ReadGroups(data, userColumn);
        var (items, _) = DataViewColumnReader.ReadGroups(data, itemColumn, "item");
        return PairGroups.Build(users, items, userCount);
    }

    private static DataViewSplit Wrap(bool[] testMask, IDataView data, string split, string need)
    {
        SplitRequirements.Check(testMask, split, need, () => $"The data has {testMask.Length:N0} rows.");
        var trainMask = new bool[testMask.Length];
        for (int r = 0; r < testMask.Length; r++) trainMask[r] = !testMask[r];
        return new DataViewSplit(new MaskedDataView(data, trainMask), new MaskedDataView(data, testMask));
    }
}
