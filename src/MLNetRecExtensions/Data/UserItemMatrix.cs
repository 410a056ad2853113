namespace MLNetRecExtensions.Data;

/// <summary>
/// A sparse users × items matrix in compressed sparse row form: the items of user <c>u</c> are
/// <c>ItemIndices[RowStart[u]..RowStart[u + 1]]</c> (sorted ascending, duplicates summed) with their
/// <c>Values</c>. Used for "already seen" exclusion, relevance sets and the per-user solves of the trainers.
/// </summary>
public sealed class UserItemMatrix
{
    private UserItemMatrix(int userCount, int itemCount, int[] rowStart, int[] itemIndices, float[] values)
    {
        UserCount = userCount;
        ItemCount = itemCount;
        RowStart = rowStart;
        ItemIndices = itemIndices;
        Values = values;
    }

    /// <summary>Number of rows (users).</summary>
    public int UserCount { get; }
    /// <summary>Number of columns (items).</summary>
    public int ItemCount { get; }
    /// <summary>Row offsets, length <see cref="UserCount"/> + 1.</summary>
    public int[] RowStart { get; }
    /// <summary>Column (item) index of each stored entry, sorted within a row.</summary>
    public int[] ItemIndices { get; }
    /// <summary>Value of each stored entry (sum of the labels of duplicate interactions).</summary>
    public float[] Values { get; }
    /// <summary>Number of stored (distinct user, item) entries.</summary>
    public int NonZeroCount => ItemIndices.Length;

    /// <summary>The sorted item indices of user <paramref name="user"/>.</summary>
    public ReadOnlySpan<int> ItemsOf(int user) => ItemIndices.AsSpan(RowStart[user], RowStart[user + 1] - RowStart[user]);

    /// <summary>The values of user <paramref name="user"/>'s entries, aligned with <see cref="ItemsOf"/>.</summary>
    public ReadOnlySpan<float> ValuesOf(int user) => Values.AsSpan(RowStart[user], RowStart[user + 1] - RowStart[user]);

    /// <summary>True when user <paramref name="user"/> has an entry for <paramref name="item"/> (binary search).</summary>
    public bool Contains(int user, int item) => ItemsOf(user).BinarySearch(item) >= 0;

    /// <summary>Builds the matrix; duplicate (user, item) pairs are merged by summing their labels.</summary>
    public static UserItemMatrix FromInteractions(InteractionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Build(data.UserCount, data.ItemCount, data.Users, data.Items, data.Labels);
    }

    /// <summary>
    /// Builds a matrix with one row per entry of <paramref name="rows"/> (its item indices in any order, duplicates
    /// merged, values 1; a null row is empty) over <paramref name="itemCount"/> item columns: the per-query
    /// "seen items" form the embedding indexes take when the exclusions come from outside the training data
    /// (e.g. a Redis set per user).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An item index is negative or not below <paramref name="itemCount"/>.</exception>
    public static UserItemMatrix FromRows(int itemCount, IReadOnlyList<int[]?> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        var r = new List<int>();
        var c = new List<int>();
        for (int q = 0; q < rows.Count; q++)
        {
            if (rows[q] is not { } row) continue;
            foreach (int item in row)
            {
                if ((uint)item >= (uint)itemCount)
                    throw new ArgumentOutOfRangeException(nameof(rows), item,
                        $"rows[{q}] holds item index {item}, outside the {itemCount} items (0..{itemCount - 1}).");
                r.Add(q);
                c.Add(item);
            }
        }
        var values = new float[r.Count];
        values.AsSpan().Fill(1f);
        var matrix = Build(rows.Count, itemCount, r.ToArray(), c.ToArray(), values);
        var merged = matrix.Values;
        merged.AsSpan().Fill(1f);
        return matrix;
    }

    /// <summary>The transpose (items × users) in the same layout: row <c>i</c> lists the users of item <c>i</c>.</summary>
    public UserItemMatrix Transpose()
    {
        var rows = new int[NonZeroCount];
        for (int u = 0; u < UserCount; u++)
            for (int p = RowStart[u]; p < RowStart[u + 1]; p++) rows[p] = u;
        return Build(ItemCount, UserCount, ItemIndices, rows, Values);
    }

    private static UserItemMatrix Build(int rowCount, int colCount, int[] rows, int[] cols, float[] vals)
    {
        var counts = new int[rowCount + 1];
        foreach (var r in rows) counts[r + 1]++;
        for (int r = 0; r < rowCount; r++) counts[r + 1] += counts[r];
        var next = (int[])counts.Clone();
        var c = new int[rows.Length];
        var v = new float[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int p = next[rows[k]]++;
            c[p] = cols[k];
            v[p] = vals[k];
        }
        // Sort each row by column and merge duplicates in place.
        var start = new int[rowCount + 1];
        int w = 0;
        for (int r = 0; r < rowCount; r++)
        {
            int s = counts[r], e = counts[r + 1];
            Array.Sort(c, v, s, e - s);
            start[r] = w;
            for (int p = s; p < e; p++)
            {
                if (w > start[r] && c[w - 1] == c[p]) v[w - 1] += v[p];
                else { c[w] = c[p]; v[w] = v[p]; w++; }
            }
        }
        start[rowCount] = w;
        if (w < c.Length) { Array.Resize(ref c, w); Array.Resize(ref v, w); }
        return new UserItemMatrix(rowCount, colCount, start, c, v);
    }
}
