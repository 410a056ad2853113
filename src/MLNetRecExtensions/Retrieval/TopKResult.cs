namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// The top-K items of each of <see cref="QueryCount"/> queries. <see cref="Items"/> and <see cref="Scores"/> are
/// <c>[QueryCount, K]</c> row-major: row <c>q</c> lists query <c>q</c>'s items best first (0-based item indices).
/// When fewer than K items were available for a query (small catalog, exclusions) the row ends with padding:
/// item <c>-1</c> and score <c>NaN</c>.
/// </summary>
public sealed class TopKResult
{
    private readonly int[] _counts;

    /// <summary>The <c>[queryCount, k]</c> item and score arrays of a search to fill: every entry padding (<c>-1</c>, <c>NaN</c>) until written.</summary>
    internal static (int[] Items, float[] Scores) PaddedArrays(int queryCount, int k)
    {
        var items = new int[queryCount * k];
        var scores = new float[queryCount * k];
        items.AsSpan().Fill(-1);
        scores.AsSpan().Fill(float.NaN);
        return (items, scores);
    }

    /// <summary>
    /// Wraps <paramref name="items"/> and <paramref name="scores"/> (not copied), both <c>[queryCount, k]</c> row-major.
    /// Within a row, every entry after the first <c>-1</c> item must also be <c>-1</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queryCount"/> is negative or <paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An array length is not <c>queryCount × k</c>.</exception>
    /// <exception cref="InvalidDataException">A row has a real item after a <c>-1</c> padding entry, or an item below -1.</exception>
    public TopKResult(int queryCount, int k, int[] items, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        long expected = (long)queryCount * k;
        if (items.Length != expected)
            throw new ArgumentException($"Expected {queryCount} × {k} = {expected} items, got {items.Length}.", nameof(items));
        if (scores.Length != expected)
            throw new ArgumentException($"Expected {queryCount} × {k} = {expected} scores, got {scores.Length}.", nameof(scores));
        _counts = new int[queryCount];
        for (int q = 0; q < queryCount; q++)
        {
            var row = items.AsSpan(q * k, k);
            int count = row.IndexOf(-1);
            if (count < 0) count = k;
            for (int r = 0; r < k; r++)
            {
                if (r < count && row[r] < 0)
                    throw new InvalidDataException($"Query {q}, rank {r}: item index {row[r]} is negative; only -1 (padding) is allowed.");
                if (r >= count && row[r] != -1)
                    throw new InvalidDataException($"Query {q}, rank {r}: item {row[r]} follows a -1 padding entry; padding must come last.");
            }
            _counts[q] = count;
        }
        QueryCount = queryCount;
        K = k;
        Items = items;
        Scores = scores;
    }

    /// <summary>Number of queries (rows).</summary>
    public int QueryCount { get; }

    /// <summary>Requested number of items per query (row length, padding included).</summary>
    public int K { get; }

    /// <summary>Item indices, <c>[QueryCount, K]</c> row-major, best first, <c>-1</c> padding at the end of a row.</summary>
    public int[] Items { get; }

    /// <summary>Scores aligned with <see cref="Items"/>, <c>NaN</c> for padding.</summary>
    public float[] Scores { get; }

    /// <summary>Number of real (non-padding) entries of query <paramref name="query"/>, at most <see cref="K"/>.</summary>
    public int CountOf(int query) => _counts[query];

    /// <summary>Query <paramref name="query"/>'s items, best first, without padding.</summary>
    public ReadOnlySpan<int> ItemsOf(int query) => Items.AsSpan(query * K, _counts[query]);

    /// <summary>Query <paramref name="query"/>'s scores, aligned with <see cref="ItemsOf"/>.</summary>
    public ReadOnlySpan<float> ScoresOf(int query) => Scores.AsSpan(query * K, _counts[query]);

    /// <summary>
    /// Each query's items as its own array (padding dropped): the <c>int[]?[]</c> form
    /// <c>RankingEvaluator.Evaluate</c> takes when query q is user q.
    /// </summary>
    public int[][] ToItemLists()
    {
        var lists = new int[QueryCount][];
        for (int q = 0; q < QueryCount; q++) lists[q] = ItemsOf(q).ToArray();
        return lists;
    }
}
