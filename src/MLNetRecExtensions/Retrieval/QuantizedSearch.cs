using System.Numerics;
using System.Runtime.Intrinsics.X86;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Exact top-K with an integer first pass: every item is scored with 16-bit integer multiply-adds
/// (<see cref="QuantizedKernels"/>), which gives a proven upper bound U ≥ the exact fp32 score
/// (<see cref="QuantizedItems"/>); an item is re-scored exactly (<see cref="IndexVectors.Score"/>, the arithmetic of
/// <see cref="ExactTopK"/>'s fp32 kernels) only when U is above the worst score kept in the query's heap (or NaN).
/// <para>
/// Why the result is bit-identical to the fp32 search: both offer items to a <see cref="TopKHeap"/> in ascending index
/// order. An item skipped here has exact score ≤ U ≤ the heap's worst score, so the fp32 search's heap, identical up
/// to that point, would have rejected it too (a tie loses to the kept, lower index); every other item gets the same
/// exact score and the same Offer. NaN scores throw as there (always re-scored: their U is NaN).
/// </para>
/// </summary>
internal static class QuantizedSearch
{
    /// <summary>
    /// The search over quantized items; arguments validated by the caller, and every query must pass
    /// <see cref="QuantizedQueries.AllInRange"/>. <paramref name="kind"/> = null picks <see cref="QuantizedKernels.Best"/>.
    /// </summary>
    public static TopKResult Search(EmbeddingTable queries, QuantizedItems items, int k, UserItemMatrix? exclude, int[]? excludeRows,
        int maxDegreeOfParallelism, QuantizedKernelKind? kind = null)
    {
        int queryCount = queries.Count;
        var (resultItems, resultScores) = TopKResult.PaddedArrays(queryCount, k);
        int capacity = Math.Min(k, items.ItemCount);
        if (capacity > 0 && queryCount > 0)
        {
            var search = new Searcher(queries, items, k, kind ?? QuantizedKernels.Best, resultItems, resultScores);
            TopKChunks.Run(queryCount, maxDegreeOfParallelism, () => new Scratch(capacity, items.Pairs, exclude, excludeRows), search.RunChunk);
        }
        return new TopKResult(queryCount, k, resultItems, resultScores);
    }

    /// <summary>Per-worker buffers: heaps and exclusion cursors, the chunk's quantized query tiles and their norms, and one tile of integer scores / bounds.</summary>
    private sealed class Scratch(int capacity, int pairs, UserItemMatrix? exclude, int[]? excludeRows)
    {
        public TopKChunks Chunk { get; } = new(capacity, exclude, excludeRows);
        public int[] PackedQueries { get; } = new int[TopKChunks.ChunkQueries * pairs];
        public float[] QueryScale { get; } = new float[TopKChunks.ChunkQueries];
        public float[] QueryNorm { get; } = new float[TopKChunks.ChunkQueries];
        public float[] QueryError { get; } = new float[TopKChunks.ChunkQueries];
        public int[] Tile { get; } = new int[ItemPanels.TileQueries * ItemPanels.Width];
        public float[] Thresholds { get; } = new float[TopKChunks.ChunkQueries];
        public int[] IntegerThresholds { get; } = new int[TopKChunks.ChunkQueries];
        public uint[] Masks { get; } = new uint[ItemPanels.TileQueries];
        public uint[] BoundMask { get; } = new uint[1];
        public float[] Exact { get; } = new float[ItemPanels.Width];
        public uint[] PendingMask { get; } = new uint[TopKChunks.ChunkQueries];
        public int[] PendingFirst { get; } = new int[TopKChunks.ChunkQueries];
        public float[] PendingUpper { get; } = new float[TopKChunks.ChunkQueries * ItemPanels.Width];
    }

    // The chunk's scratch, its first query and the pinned pending bounds, passed to the helpers of RunChunk.
    private readonly unsafe struct QueryState(Scratch scratch, int first, float* pendingUpper)
    {
        public Scratch Scratch { get; } = scratch;
        public int First { get; } = first;
        public float* PendingUpper { get; } = pendingUpper;
    }

    private sealed class Searcher(EmbeddingTable queries, QuantizedItems items, int k, QuantizedKernelKind kind, int[] resultItems, float[] resultScores)
    {
        private const int TileQueries = ItemPanels.TileQueries;
        private const int Width = ItemPanels.Width;

        public unsafe void RunChunk(int first, int end, Scratch scratch)
        {
            int n = end - first;
            int dim = queries.Dimension, pairs = items.Pairs;
            scratch.Chunk.Begin(first, n);
            scratch.Thresholds.AsSpan(0, n).Fill(float.NegativeInfinity); // every item is a candidate until the heap is full
            scratch.IntegerThresholds.AsSpan(0, n).Fill(int.MinValue);
            scratch.IntegerThresholds.AsSpan(n).Fill(int.MaxValue); // rows of a partial tile's missing queries never pass
            scratch.PendingMask.AsSpan(0, n).Clear();
            uint lastPanelMask = ItemPanels.LaneMask(items.ItemCount);
            for (int t = 0; t < n; t += TileQueries)
                QuantizedQueries.PackTile(queries.Values.AsSpan((first + t) * dim), Math.Min(TileQueries, n - t), dim, pairs, items.Level,
                    scratch.PackedQueries.AsSpan(t * pairs, pairs * TileQueries),
                    scratch.QueryScale.AsSpan(t, TileQueries), scratch.QueryNorm.AsSpan(t, TileQueries), scratch.QueryError.AsSpan(t, TileQueries));

            fixed (int* packed = scratch.PackedQueries)
            fixed (int* tile = scratch.Tile)
            fixed (float* qs = scratch.QueryScale, qn = scratch.QueryNorm, qe = scratch.QueryError)
            fixed (short* values = items.Values)
            fixed (float* scale = items.Scales, offset = items.Offsets)
            fixed (uint* masks = scratch.Masks, bounds = scratch.BoundMask)
            fixed (float* pendingUpper = scratch.PendingUpper, thresholds = scratch.Thresholds)
            fixed (int* integerThresholds = scratch.IntegerThresholds)
            {
                var state = new QueryState(scratch, first, pendingUpper);
                for (int p = 0; p < items.PanelCount; p++)
                {
                    uint laneMask = p == items.PanelCount - 1 ? lastPanelMask : 0xFFFFu;
                    short* panel = values + (long)p * pairs * Width * 2;
                    int o = p * Width;
                    uint always = items.Untrusted[p];
                    for (int t = 0; t < n; t += TileQueries)
                    {
                        uint any = QuantizedKernels.ScoreTile(kind, packed + (long)t * pairs, pairs, panel, tile, integerThresholds + t, masks);
                        if ((any | always) == 0) continue; // the common case: no item of the panel can reach any of the 8 heaps
                        int tileQueries = Math.Min(TileQueries, n - t);
                        for (int j = 0; j < tileQueries; j++)
                        {
                            uint mask = (masks[j] | always) & laneMask;
                            if (mask == 0) continue;
                            int local = t + j;
                            int* row = tile + j * Width;
                            QuantizedKernels.UpperBounds(kind, row, 1, qs + local, qn + local, qe + local, thresholds + local, scale + o, offset + o,
                                items.NormCoefficients[p], items.ErrorCoefficients[p], bounds);
                            mask &= bounds[0];
                            if (mask == 0) continue;
                            // The previous candidates first: items reach the heap in ascending order.
                            if (scratch.PendingMask[local] != 0) Flush(local, state);
                            Defer(local, o, mask, (float*)row, state);
                        }
                    }
                }
                for (int local = 0; local < n; local++)
                    if (scratch.PendingMask[local] != 0) Flush(local, state);
            }
            scratch.Chunk.Drain(first, n, k, resultItems, resultScores);
        }

        // Keeps query `local`'s candidates of the panel at `firstItem` (lanes of `mask`, bounds at `upper`) for
        // re-scoring at the next panel, and prefetches their rows meanwhile (the rows are scattered over the table:
        // fetched on demand, each would cost a memory round trip).
        private unsafe void Defer(int local, int firstItem, uint mask, float* upper, in QueryState state)
        {
            var scratch = state.Scratch;
            scratch.PendingMask[local] = mask;
            scratch.PendingFirst[local] = firstItem;
            Buffer.MemoryCopy(upper, state.PendingUpper + local * Width, Width * sizeof(float), Width * sizeof(float));
            if (!Sse.IsSupported) return;
            int bytes = queries.Dimension * sizeof(float);
            fixed (float* rows = items.Items.Values)
                while (mask != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    byte* row = (byte*)(rows + (long)(firstItem + lane) * queries.Dimension);
                    for (int b = 0; b < bytes; b += 64) Sse.Prefetch0(row + b);
                    Sse.Prefetch0(row + bytes - 1);
                }
        }

        // Re-scores query `local`'s deferred candidates whose bound still beats the threshold, and offers them.
        private unsafe void Flush(int local, in QueryState state)
        {
            var scratch = state.Scratch;
            uint mask = scratch.PendingMask[local];
            scratch.PendingMask[local] = 0;
            float* upper = state.PendingUpper + local * Width;
            var heap = scratch.Chunk.Heaps[local];
            if (heap.IsFull) mask &= ItemPanels.CandidateMask(upper, heap.WorstScore);
            if (mask == 0) return;
            int firstItem = scratch.PendingFirst[local], query = state.First + local, dim = queries.Dimension;
            fixed (float* queryRows = queries.Values, itemRows = items.Items.Values, biases = items.ItemBiases, exact = scratch.Exact)
            fixed (float* thresholds = scratch.Thresholds)
            {
                QuantizedKernels.ExactScores(kind, queryRows + (long)query * dim, itemRows, dim, biases, firstItem, mask, exact);
                if (Feed(query, local, firstItem, upper, exact, mask, scratch.Chunk, thresholds))
                    scratch.IntegerThresholds[local] = items.IntegerThreshold(thresholds[local], scratch.QueryScale[local], scratch.QueryNorm[local], scratch.QueryError[local]);
            }
        }

        // Offers, in ascending item order, the items of the panel at `firstItem` in `mask` (upper bound above the
        // query's threshold: the worst score kept, or -∞ until the heap is full) with their exact scores, skipping those
        // whose bound falls to the threshold as the heap improves, and raises the threshold (true when it did).
        private static unsafe bool Feed(int query, int local, int firstItem, float* upper, float* exact, uint mask, TopKChunks chunk, float* thresholds)
        {
            var heap = chunk.Heaps[local];
            chunk.OfferLanes(query, local, firstItem, exact, upper, mask);
            if (!heap.IsFull || heap.WorstScore == thresholds[local]) return false;
            thresholds[local] = heap.WorstScore;
            return true;
        }
    }
}
