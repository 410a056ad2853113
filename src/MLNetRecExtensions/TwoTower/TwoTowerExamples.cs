using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Training examples in the YouTube-DNN style: for each user, predict each next interaction from the history BEFORE it
/// (no future leakage). Example e holds <see cref="Users"/>[e], target <see cref="Items"/>[e] and the history
/// <see cref="HistoryOf"/>(e), the user's earlier items in time order. All indices are 0-based.
/// </summary>
public sealed class TwoTowerExampleSet
{
    internal TwoTowerExampleSet(int userCount, int itemCount, int[] users, int[] items, double[] timestamps, int[] historyOffsets, int[] historyItems)
    {
        UserCount = userCount;
        ItemCount = itemCount;
        Users = users;
        Items = items;
        Timestamps = timestamps;
        HistoryOffsets = historyOffsets;
        HistoryItems = historyItems;
    }

    /// <summary>User key cardinality.</summary>
    public int UserCount { get; }
    /// <summary>Item key cardinality.</summary>
    public int ItemCount { get; }
    /// <summary>0-based user of each example.</summary>
    public int[] Users { get; }
    /// <summary>0-based target item of each example.</summary>
    public int[] Items { get; }
    /// <summary>Time of each example's target interaction.</summary>
    public double[] Timestamps { get; }
    /// <summary>CSR offsets of the histories, <c>Count + 1</c> entries.</summary>
    public int[] HistoryOffsets { get; }
    /// <summary>0-based items of all histories, example by example, oldest first.</summary>
    public int[] HistoryItems { get; }
    /// <summary>Number of examples.</summary>
    public int Count => Users.Length;

    /// <summary>The history of example <paramref name="example"/>, oldest first.</summary>
    public ReadOnlySpan<int> HistoryOf(int example) => HistoryItems.AsSpan(HistoryOffsets[example], HistoryOffsets[example + 1] - HistoryOffsets[example]);

    /// <summary>
    /// The examples as an <see cref="IDataView"/>: key-typed <c>UserId</c> and <c>ItemId</c>, <c>Label</c> = 1,
    /// <c>Timestamp</c>, and a variable-length vector of item keys named <paramref name="historyColumnName"/>
    /// (same key count as <c>ItemId</c>) — set <see cref="TwoTowerOptions.HistoryColumnName"/> to it.
    /// </summary>
    public IDataView ToDataView(MLContext mlContext, string historyColumnName = "History")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var rows = new ExampleRow[Count];
        for (int e = 0; e < Count; e++)
        {
            var history = HistoryOf(e);
            var keys = new uint[history.Length];
            // Unlike a scalar key property (stored as value + 1), a key-vector property is stored as given: write 1-based keys.
            for (int j = 0; j < keys.Length; j++) keys[j] = (uint)history[j] + 1;
            rows[e] = new ExampleRow { UserId = (uint)Users[e], ItemId = (uint)Items[e], Label = 1f, Timestamp = Timestamps[e], History = keys };
        }
        var schema = SchemaDefinition.Create(typeof(ExampleRow));
        schema[InteractionColumns.User].ColumnType = new KeyDataViewType(typeof(uint), UserCount);
        schema[InteractionColumns.Item].ColumnType = new KeyDataViewType(typeof(uint), ItemCount);
        schema[nameof(ExampleRow.History)].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), ItemCount));
        schema[nameof(ExampleRow.History)].ColumnName = historyColumnName;
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class ExampleRow
    {
        [ColumnName(InteractionColumns.User)] public uint UserId { get; set; }
        [ColumnName(InteractionColumns.Item)] public uint ItemId { get; set; }
        [ColumnName(InteractionColumns.Label)] public float Label { get; set; }
        [ColumnName(InteractionColumns.Timestamp)] public double Timestamp { get; set; }
        public uint[] History { get; set; } = [];
    }
}

/// <summary>Builds <see cref="TwoTowerExampleSet"/>s from timestamped interactions.</summary>
public static class TwoTowerExamples
{
    /// <summary>
    /// For every user, sorts the interactions by time (ties keep data order) and makes one example per interaction at
    /// position p ≥ <paramref name="minHistoryLength"/>: target = item p, history = items before p (the last
    /// <paramref name="maxHistoryLength"/> of them when positive). When a user has more than
    /// <paramref name="maxExamplesPerUser"/> (&gt; 0) examples, that many are drawn uniformly without replacement
    /// (seeded), so heavy users do not dominate. Examples are ordered by user, then time.
    /// </summary>
    /// <exception cref="ArgumentException">The data has no timestamps.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative.</exception>
    public static TwoTowerExampleSet FromInteractions(InteractionData data, int maxExamplesPerUser = 0, int maxHistoryLength = 0,
        int minHistoryLength = 1, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Timestamps is not { } times)
            throw new ArgumentException("The interactions have no timestamps; next-item examples need the time of every interaction (load a Timestamp column).", nameof(data));
        ArgumentOutOfRangeException.ThrowIfNegative(maxExamplesPerUser);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHistoryLength);
        ArgumentOutOfRangeException.ThrowIfNegative(minHistoryLength);
        var byUser = new List<int>[data.UserCount];
        for (int r = 0; r < data.Count; r++) (byUser[data.Users[r]] ??= []).Add(r);
        var rng = new Random(seed);
        var users = new List<int>();
        var items = new List<int>();
        var stamps = new List<double>();
        var offsets = new List<int> { 0 };
        var history = new List<int>();
        for (int u = 0; u < data.UserCount; u++)
        {
            if (byUser[u] is not { } rows) continue;
            var ordered = rows.OrderBy(r => times[r]).ThenBy(r => r).ToArray();
            var positions = Enumerable.Range(minHistoryLength, Math.Max(0, ordered.Length - minHistoryLength)).ToArray();
            if (maxExamplesPerUser > 0 && positions.Length > maxExamplesPerUser)
            {
                rng.Shuffle(positions);
                positions = positions.Take(maxExamplesPerUser).Order().ToArray();
            }
            foreach (int p in positions)
            {
                users.Add(u);
                items.Add(data.Items[ordered[p]]);
                stamps.Add(times[ordered[p]]);
                int from = maxHistoryLength > 0 ? Math.Max(0, p - maxHistoryLength) : 0;
                for (int j = from; j < p; j++) history.Add(data.Items[ordered[j]]);
                offsets.Add(history.Count);
            }
        }
        return new TwoTowerExampleSet(data.UserCount, data.ItemCount, [.. users], [.. items], [.. stamps], [.. offsets], [.. history]);
    }
}
