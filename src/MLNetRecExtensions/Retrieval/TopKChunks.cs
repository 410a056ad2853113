using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// What the exact searches (<see cref="ExactTopK"/>'s fp32 scan and <see cref="QuantizedSearch"/>) share: queries
/// are cut into chunks of <see cref="ChunkQueries"/> run on one thread or in parallel, and each query of a chunk
/// has a bounded heap and a forward-only cursor into its exclusion row. Items must be offered to a query in
/// ascending index order (the tie rule of <see cref="TopKHeap"/> and the exclusion cursor rely on it).
/// </summary>
internal sealed class TopKChunks
{
    /// <summary>Queries handled by one work item: 8 kernel tiles, so each item panel brought into the cache is reused by several tiles.</summary>
    public const int ChunkQueries = 8 * ItemPanels.TileQueries;

    private readonly UserItemMatrix? _exclude;
    private readonly int[]? _excludeRows;
    private readonly int[] _cursor = new int[ChunkQueries];
    private readonly int[] _end = new int[ChunkQueries];

    /// <summary>Heaps of <paramref name="capacity"/> pairs for a chunk's queries; exclusions as in <see cref="TopKOptions.Exclude"/>.</summary>
    public TopKChunks(int capacity, UserItemMatrix? exclude, int[]? excludeRows)
    {
        _exclude = exclude;
        _excludeRows = excludeRows;
        Heaps = new TopKHeap[ChunkQueries];
        for (int j = 0; j < Heaps.Length; j++) Heaps[j] = new TopKHeap(capacity);
    }

    /// <summary>The heap of each query of the current chunk (index = query − first).</summary>
    public TopKHeap[] Heaps { get; }

    /// <summary>True when <see cref="TopKOptions.Exclude"/> was given.</summary>
    public bool HasExclusions => _exclude != null;

    /// <summary>Empties the heaps and points the exclusion cursors at the rows of queries <paramref name="first"/>..first + n − 1.</summary>
    public void Begin(int first, int n)
    {
        for (int j = 0; j < n; j++)
        {
            Heaps[j].Clear();
            if (_exclude == null) continue;
            int row = _excludeRows?[first + j] ?? first + j;
            _cursor[j] = _exclude.RowStart[row];
            _end[j] = _exclude.RowStart[row + 1];
        }
    }

    /// <summary>Whether query <paramref name="local"/> of the chunk excludes <paramref name="item"/> (items asked in ascending order).</summary>
    public bool IsExcluded(int local, int item)
    {
        var excluded = _exclude!.ItemIndices;
        ref int cursor = ref _cursor[local];
        int end = _end[local];
        while (cursor < end && excluded[cursor] < item) cursor++;
        return cursor < end && excluded[cursor] == item;
    }

    /// <summary>
    /// Offers query <paramref name="local"/>'s lanes in <paramref name="mask"/> of the 16-item panel at
    /// <paramref name="firstItem"/> to its heap in ascending item order, with <paramref name="scores"/>[lane] (NaN
    /// throws <see cref="NaNScore"/>, excluded items are skipped); each time the heap is full, the lanes left are cut to
    /// those whose <paramref name="bounds"/>[lane] is strictly above the worst kept score (the scores themselves on the
    /// fp32 scan, upper bounds of them on the quantized one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void OfferLanes(int query, int local, int firstItem, float* scores, float* bounds, uint mask)
    {
        var heap = Heaps[local];
        while (mask != 0)
        {
            int lane = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            int item = firstItem + lane;
            float s = scores[lane];
            if (float.IsNaN(s)) throw NaNScore(query, item);
            if (HasExclusions && IsExcluded(local, item)) continue;
            heap.Offer(s, item);
            if (heap.IsFull && mask != 0)
                mask &= ItemPanels.CandidateMask(bounds, heap.WorstScore);
        }
    }

    /// <summary>Writes each heap of queries <paramref name="first"/>..first + n − 1 into its result row of <paramref name="k"/> entries.</summary>
    public void Drain(int first, int n, int k, int[] resultItems, float[] resultScores)
    {
        for (int j = 0; j < n; j++)
        {
            int q = first + j;
            Heaps[j].Drain(resultItems.AsSpan(q * k, Heaps[j].Capacity), resultScores.AsSpan(q * k, Heaps[j].Capacity));
        }
    }

    /// <summary>The exception of a NaN score (same wording on every path).</summary>
    public static InvalidDataException NaNScore(int query, int item) => new(
        $"The score of query {query} and item {item} is NaN; the query/item vectors or the item bias contain NaN or values large enough to overflow.");

    /// <summary>
    /// Runs <paramref name="runChunk"/>(first, end, scratch) over the chunks of <paramref name="queryCount"/> queries,
    /// on the calling thread when <paramref name="maxDegreeOfParallelism"/> is 1 or there is one chunk, otherwise
    /// in parallel with one scratch per worker; the first exception of a worker is rethrown as is.
    /// </summary>
    public static void Run<TScratch>(int queryCount, int maxDegreeOfParallelism, Func<TScratch> newScratch, Action<int, int, TScratch> runChunk)
    {
        int chunks = (queryCount + ChunkQueries - 1) / ChunkQueries;
        if (maxDegreeOfParallelism == 1 || chunks == 1)
        {
            var scratch = newScratch();
            for (int c = 0; c < chunks; c++) runChunk(c * ChunkQueries, Math.Min(queryCount, (c + 1) * ChunkQueries), scratch);
            return;
        }
        try
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, newScratch,
                (c, _, scratch) =>
                {
                    runChunk(c * ChunkQueries, Math.Min(queryCount, (c + 1) * ChunkQueries), scratch);
                    return scratch;
                },
                _ => { });
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }
    }
}
