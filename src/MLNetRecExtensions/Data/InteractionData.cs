using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>
/// Interactions held in memory as parallel arrays: user and item as 0-based indices (ML.NET key − 1), a label
/// (rating or implicit weight) and an optional timestamp. This is the form the loaders build and the form the
/// trainers, splitters and evaluators read an <see cref="IDataView"/> into.
/// </summary>
public sealed class InteractionData
{
    /// <summary>Creates interaction data; arrays are taken as they are (not copied) and must have equal lengths.</summary>
    /// <param name="userCount">Number of distinct users (the user key cardinality).</param>
    /// <param name="itemCount">Number of distinct items (the item key cardinality).</param>
    /// <param name="users">0-based user index of each interaction, in [0, userCount).</param>
    /// <param name="items">0-based item index of each interaction, in [0, itemCount).</param>
    /// <param name="labels">Rating or weight of each interaction.</param>
    /// <param name="timestamps">Optional time of each interaction in seconds.</param>
    /// <param name="userIds">Optional original user identifiers, indexed by user index.</param>
    /// <param name="itemIds">Optional original item identifiers, indexed by item index.</param>
    public InteractionData(int userCount, int itemCount, int[] users, int[] items, float[] labels,
        double[]? timestamps = null, string[]? userIds = null, string[]? itemIds = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(labels);
        if (userCount <= 0) throw new ArgumentOutOfRangeException(nameof(userCount), userCount, "The user count must be positive.");
        if (itemCount <= 0) throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, "The item count must be positive.");
        if (items.Length != users.Length || labels.Length != users.Length || (timestamps != null && timestamps.Length != users.Length))
            throw new ArgumentException($"Column arrays differ in length: users {users.Length}, items {items.Length}, labels {labels.Length}, timestamps {timestamps?.Length}.");
        if (userIds != null && userIds.Length != userCount)
            throw new ArgumentException($"{nameof(userIds)} has {userIds.Length} entries but the user count is {userCount}.", nameof(userIds));
        if (itemIds != null && itemIds.Length != itemCount)
            throw new ArgumentException($"{nameof(itemIds)} has {itemIds.Length} entries but the item count is {itemCount}.", nameof(itemIds));
        for (int r = 0; r < users.Length; r++)
        {
            if ((uint)users[r] >= (uint)userCount) throw new ArgumentOutOfRangeException(nameof(users), $"Row {r}: user index {users[r]} is outside [0, {userCount}).");
            if ((uint)items[r] >= (uint)itemCount) throw new ArgumentOutOfRangeException(nameof(items), $"Row {r}: item index {items[r]} is outside [0, {itemCount}).");
        }
        UserCount = userCount;
        ItemCount = itemCount;
        Users = users;
        Items = items;
        Labels = labels;
        Timestamps = timestamps;
        UserIds = userIds;
        ItemIds = itemIds;
    }

    /// <summary>Number of users (key cardinality of the user column).</summary>
    public int UserCount { get; }
    /// <summary>Number of items (key cardinality of the item column).</summary>
    public int ItemCount { get; }
    /// <summary>0-based user index per interaction.</summary>
    public int[] Users { get; }
    /// <summary>0-based item index per interaction.</summary>
    public int[] Items { get; }
    /// <summary>Rating or weight per interaction.</summary>
    public float[] Labels { get; }
    /// <summary>Time per interaction in seconds, or null.</summary>
    public double[]? Timestamps { get; }
    /// <summary>Original user identifiers by user index, or null.</summary>
    public string[]? UserIds { get; }
    /// <summary>Original item identifiers by item index, or null.</summary>
    public string[]? ItemIds { get; }
    /// <summary>Number of interactions.</summary>
    public int Count => Users.Length;

    /// <summary>Returns a copy holding only the rows whose index is in <paramref name="rows"/> (same key spaces).</summary>
    public InteractionData Subset(IReadOnlyList<int> rows)
    {
        var u = new int[rows.Count];
        var i = new int[rows.Count];
        var l = new float[rows.Count];
        var t = Timestamps == null ? null : new double[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            int r = rows[k];
            u[k] = Users[r];
            i[k] = Items[r];
            l[k] = Labels[r];
            if (t != null) t[k] = Timestamps![r];
        }
        return new InteractionData(UserCount, ItemCount, u, i, l, t, UserIds, ItemIds);
    }

    /// <summary>
    /// Exposes the data as an <see cref="IDataView"/> with key-typed <see cref="InteractionColumns.User"/> and
    /// <see cref="InteractionColumns.Item"/> columns (cardinality <see cref="UserCount"/>/<see cref="ItemCount"/>,
    /// with key-value annotations when the original ids are known), <see cref="InteractionColumns.Label"/> and,
    /// when present, <see cref="InteractionColumns.Timestamp"/>.
    /// </summary>
    /// <remarks>The view reads this object's arrays in place (see <see cref="InteractionDataView"/>): rows in stored order,
    /// no shuffling, a few nanoseconds per row.</remarks>
    public IDataView ToDataView(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new InteractionDataView(this);
    }

    /// <summary>
    /// Reads interactions from <paramref name="data"/>. The user and item columns must be scalar <c>UInt32</c> key
    /// columns of known cardinality; the label column (optional) must be <c>Single</c> or <c>Double</c> and finite;
    /// the timestamp column (optional) must be numeric. Rows with a missing key (0) are rejected.
    /// </summary>
    /// <remarks>A view made by <see cref="ToDataView"/>, read with its own column names, is not cursored: the result
    /// shares its arrays (the same values in the same order, the labels still checked), so reading costs nothing
    /// per row.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row holds a missing key or a NaN/infinite label, or there are no rows.</exception>
    public static InteractionData FromDataView(IDataView data, string userColumn = InteractionColumns.User,
        string itemColumn = InteractionColumns.Item, string? labelColumn = InteractionColumns.Label,
        string? timestampColumn = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var userCol = SchemaChecks.RequireKeyColumn(data.Schema, userColumn, "user");
        var itemCol = SchemaChecks.RequireKeyColumn(data.Schema, itemColumn, "item");
        DataViewSchema.Column? labelCol = labelColumn == null ? null : SchemaChecks.RequireNumericColumn(data.Schema, labelColumn, "label");
        DataViewSchema.Column? timeCol = timestampColumn == null ? null : SchemaChecks.RequireNumericColumn(data.Schema, timestampColumn, "timestamp");

        if (Shared(data, userCol, itemCol, labelCol, timeCol) is { } shared) return shared;
        int userCount = (int)((KeyDataViewType)userCol.Type).Count;
        int itemCount = (int)((KeyDataViewType)itemCol.Type).Count;
        int capacity = (int)Math.Clamp(data.GetRowCount() ?? 1024, 16, Array.MaxLength);
        // Arrays of the announced row count, filled in place (grown by doubling if the count was a guess and trimmed at
        // the end): no list and no copy when the view knows its row count.
        var users = new int[capacity];
        var items = new int[capacity];
        var labels = new float[capacity];
        var times = timeCol == null ? null : new double[capacity];
        var active = new List<DataViewSchema.Column> { userCol, itemCol };
        if (labelCol is { } lc) active.Add(lc);
        if (timeCol is { } tc) active.Add(tc);
        int count;
        using (var cursor = data.GetRowCursor(active))
            count = ReadRows(cursor, userCol, itemCol, labelCol, timeCol, ref users, ref items, ref labels, ref times);
        if (count == 0) throw new InvalidDataException($"The data has no rows: columns '{userColumn}' and '{itemColumn}' are empty.");
        if (count != users.Length)
        {
            Array.Resize(ref users, count);
            Array.Resize(ref items, count);
            Array.Resize(ref labels, count);
            if (times != null) Array.Resize(ref times, count);
        }
        return new InteractionData(userCount, itemCount, users, items, labels, times,
            SchemaChecks.TryGetKeyValues(userCol), SchemaChecks.TryGetKeyValues(itemCol));
    }

    // A view made by ToDataView read back with its own column roles gives its interactions without a cursor (the arrays
    // are shared, as the view shares them): what the cursor would read, in the same order. Labels are still checked
    // (a non-finite one, or no rows, leaves it to the cursor path and its error message).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static InteractionData? Shared(IDataView data, DataViewSchema.Column userCol, DataViewSchema.Column itemCol,
        DataViewSchema.Column? labelCol, DataViewSchema.Column? timeCol)
    {
        if (data is not InteractionDataView view || userCol.Name != InteractionColumns.User || itemCol.Name != InteractionColumns.Item
            || labelCol is { Name: not InteractionColumns.Label } || timeCol is { Name: not InteractionColumns.Timestamp })
            return null;
        var d = view.Data;
        if (d.Count == 0) return null;
        if (labelCol != null)
            foreach (float l in d.Labels)
                if (!float.IsFinite(l)) return null;
        if (labelCol != null && (timeCol != null) == (d.Timestamps != null)) return d;
        float[] labels = d.Labels;
        if (labelCol == null)
        {
            labels = new float[d.Count];
            Array.Fill(labels, 1f);
        }
        return new InteractionData(d.UserCount, d.ItemCount, d.Users, d.Items, labels, timeCol == null ? null : d.Timestamps, d.UserIds, d.ItemIds);
    }

    // The cursor loop of FromDataView, fully optimised at once (it runs once per Fit, so tiered compilation would leave
    // it unoptimised); a Single label is read without the numeric-conversion wrapper.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadRows(DataViewRowCursor cursor, DataViewSchema.Column userCol, DataViewSchema.Column itemCol,
        DataViewSchema.Column? labelCol, DataViewSchema.Column? timeCol, ref int[] users, ref int[] items, ref float[] labels, ref double[]? times)
    {
        var getUser = cursor.GetGetter<uint>(userCol);
        var getItem = cursor.GetGetter<uint>(itemCol);
        var getSingle = labelCol is { } s && s.Type.RawType == typeof(float) ? cursor.GetGetter<float>(s) : null;
        var getLabel = getSingle == null && labelCol is { } l ? SchemaChecks.NumericGetter(cursor, l) : null;
        var getTime = timeCol is { } t ? SchemaChecks.NumericGetter(cursor, t) : null;
        uint u = 0, i = 0;
        float single = 0;
        int row = 0;
        while (cursor.MoveNext())
        {
            if (row == users.Length)
            {
                int grown = (int)Math.Min(Array.MaxLength, 2L * users.Length);
                if (grown == row) throw new InvalidDataException($"The data has more than {row} rows, the most an array holds.");
                Array.Resize(ref users, grown);
                Array.Resize(ref items, grown);
                Array.Resize(ref labels, grown);
                if (times != null) Array.Resize(ref times, grown);
            }
            getUser(ref u);
            getItem(ref i);
            if (u == 0) throw new InvalidDataException($"Row {row}: column '{userCol.Name}' holds a missing key (0); map unknown users before training or filter them out.");
            if (i == 0) throw new InvalidDataException($"Row {row}: column '{itemCol.Name}' holds a missing key (0); map unknown items before training or filter them out.");
            users[row] = (int)u - 1;
            items[row] = (int)i - 1;
            float label = 1f;
            if (getSingle != null)
            {
                getSingle(ref single);
                label = single;
            }
            else if (getLabel != null) label = (float)getLabel();
            if (!float.IsFinite(label)) throw new InvalidDataException($"Row {row}: column '{labelCol!.Value.Name}' holds {label}; labels must be finite.");
            labels[row] = label;
            if (getTime != null) times![row] = getTime();
            row++;
        }
        return row;
    }
}
