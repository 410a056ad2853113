using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// Exact (brute-force) maximum-inner-product top-K: every query is scored against every item with SIMD kernels
/// and the best K are kept in a bounded heap.
/// <para>
/// Score of query <c>q</c> and item <c>i</c>: <c>queries[q] · items[i] + ItemBiases[i]</c>, the dot product
/// accumulated with fused multiply-adds in dimension order (so a score does not depend on threads or tiling).
/// Order: score descending; equal scores are broken by the lower item index first. The result is
/// therefore deterministic and identical for any <see cref="TopKOptions.MaxDegreeOfParallelism"/>.
/// A NaN score (NaN or overflowing embeddings/biases) throws <see cref="InvalidDataException"/>.
/// </para>
/// <para>
/// By default (<see cref="TopKOptions.QuantizedFirstPass"/>) a batch of at least <see cref="MinQueriesToQuantize"/>
/// queries is first scored with 16-bit integers, and only the items whose proven error bound lets them reach the
/// top-K are re-scored in fp32: the result (items, scores, order) is bit-identical to scoring every item in fp32,
/// in about half the arithmetic. Queries with non-finite components or a largest magnitude outside [1e-12, 1e15]
/// make the whole batch run in fp32.
/// </para>
/// </summary>
public static class ExactTopK
{
    /// <summary>
    /// The <paramref name="k"/> best items for each row of <paramref name="queries"/>
    /// (see the class remarks for the score and the order).
    /// </summary>
    /// <param name="queries">Query vectors, <c>[queries, dimension]</c>.</param>
    /// <param name="items">Item vectors, <c>[items, dimension]</c>; the dimension must equal the queries'.</param>
    /// <param name="k">Items to return per query (≥ 1). Rows are padded with -1 / NaN when fewer items remain.</param>
    /// <param name="options">Biases, exclusions and parallelism; null for none and default parallelism.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, dimensions differ, bias length or exclusion rows do not fit, bad parallelism.</exception>
    /// <exception cref="InvalidDataException">A score is NaN.</exception>
    public static TopKResult Search(EmbeddingTable queries, EmbeddingTable items, int k, TopKOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(items);
        options ??= new TopKOptions();
        Validate(queries, items, k, options);
        if (options.QuantizedFirstPass && queries.Count >= MinQueriesToQuantize && items.Dimension > 0
            && QuantizedKernels.Best != QuantizedKernelKind.Scalar && QuantizedQueries.AllInRange(queries))
            return QuantizedSearch.Search(queries, QuantizedItems.Build(items, options.ItemBiases), k, options.Exclude, options.ExcludeRows,
                options.MaxDegreeOfParallelism);
        return SearchPacked(queries, ItemPanels.Build(items, options.ItemBiases), k, options.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// Fewest queries for which <see cref="Search"/> quantizes the item table (<see cref="TopKOptions.QuantizedFirstPass"/>):
    /// quantizing costs about 300 fp32 query scans and the integer pass saves about 40 % of one (measured on 100k × 64),
    /// so smaller batches are scanned in fp32. <see cref="ExactEmbeddingIndex"/> quantizes once, at build, and uses the
    /// integer pass for every batch.
    /// </summary>
    public const int MinQueriesToQuantize = 1024;

    /// <summary>
    /// The search over an item table already packed into panels (<see cref="ExactEmbeddingIndex"/> packs once at
    /// build); arguments are validated by the caller.
    /// </summary>
    internal static TopKResult SearchPacked(EmbeddingTable queries, ItemPanels panels, int k, UserItemMatrix? exclude, int[]? excludeRows,
        int maxDegreeOfParallelism)
    {
        int queryCount = queries.Count;
        var (resultItems, resultScores) = TopKResult.PaddedArrays(queryCount, k);

        int capacity = Math.Min(k, panels.ItemCount);
        if (capacity > 0 && queryCount > 0)
        {
            var search = new Searcher(queries, panels, k, resultItems, resultScores);
            TopKChunks.Run(queryCount, maxDegreeOfParallelism, () => new Scratch(capacity, queries.Dimension, exclude, excludeRows), search.RunChunk);
        }
        return new TopKResult(queryCount, k, resultItems, resultScores);
    }

    /// <summary>
    /// Top-<paramref name="k"/> recommendations of a fitted model for <paramref name="users"/> (0-based user indices):
    /// query <c>j</c> of the result is user <c>users[j]</c>, scored with <c>model.UserEmbeddings</c>,
    /// <c>model.ItemEmbeddings</c> and <c>model.ItemBiases</c>, skipping the items in row <c>users[j]</c> of
    /// <paramref name="exclude"/> (typically the training interactions) when it is given.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, a user index is out of range, or the model's tables do not fit together.</exception>
    public static TopKResult Recommend(IEmbeddingModel model, IReadOnlyList<int> users, int k, UserItemMatrix? exclude = null)
    {
        var (queries, rows) = GatherUsers(model, users, exclude);
        var options = new TopKOptions { ItemBiases = model.ItemBiases, Exclude = exclude, ExcludeRows = exclude == null ? null : rows };
        return Search(queries, model.ItemEmbeddings, k, options);
    }

    /// <summary>The user rows of <paramref name="users"/> as a query table, and the exclusion row of each query.</summary>
    internal static (EmbeddingTable Queries, int[] Rows) GatherUsers(IEmbeddingModel model, IReadOnlyList<int> users, UserItemMatrix? exclude)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(users);
        var userTable = model.UserEmbeddings;
        int dim = userTable.Dimension;
        var gathered = new float[users.Count * dim];
        var rows = new int[users.Count];
        for (int j = 0; j < users.Count; j++)
        {
            int u = users[j];
            if ((uint)u >= (uint)userTable.Count)
                throw new ArgumentOutOfRangeException(nameof(users), u,
                    $"users[{j}] = {u} is not a user of the model, which has {userTable.Count} users (0-based indices 0..{userTable.Count - 1}, i.e. key − 1).");
            if (exclude != null && u >= exclude.UserCount)
                throw new ArgumentOutOfRangeException(nameof(exclude), u,
                    $"users[{j}] = {u} has no row in the exclusion matrix, which has {exclude.UserCount} users; build it with the same user key mapping as the model.");
            userTable.Values.AsSpan(u * dim, dim).CopyTo(gathered.AsSpan(j * dim, dim));
            rows[j] = u;
        }
        return (new EmbeddingTable(users.Count, dim, gathered), rows);
    }

    private static void Validate(EmbeddingTable queries, EmbeddingTable items, int k, TopKOptions options)
    {
        ValidateShape(queries, items.Count, items.Dimension, k);
        if (options.ItemBiases is { } biases && biases.Length != items.Count)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"TopKOptions.ItemBiases has {biases.Length} entries but the item table has {items.Count} items; pass one bias per item.");
        ValidateSearch(queries.Count, items.Count, options.Exclude, options.ExcludeRows, options.MaxDegreeOfParallelism, nameof(TopKOptions));
    }

    /// <summary>Checks k and the query dimension against an item table of <paramref name="itemCount"/> × <paramref name="dimension"/>.</summary>
    internal static void ValidateShape(EmbeddingTable queries, int itemCount, int dimension, int k)
    {
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1 (the number of items to return per query).");
        if ((long)queries.Count * k > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{queries.Count} queries × k = {k} results do not fit in one array; search in smaller batches of queries.");
        if (queries.Dimension != dimension)
            throw new ArgumentOutOfRangeException(nameof(queries),
                $"The query vectors have dimension {queries.Dimension} but the item vectors have dimension {dimension}; both tables must come from the same model.");
    }

    /// <summary>Checks the exclusion matrix, its rows and the parallelism; <paramref name="owner"/> names the options type in messages.</summary>
    internal static void ValidateSearch(int queryCount, int itemCount, UserItemMatrix? exclude, int[]? excludeRows, int maxDegreeOfParallelism, string owner)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism),
                $"{owner}.MaxDegreeOfParallelism is {maxDegreeOfParallelism}; use -1 (thread pool decides) or a positive number of threads.");
        if (exclude == null) return;
        if (exclude.ItemCount > itemCount)
            throw new ArgumentOutOfRangeException(nameof(exclude),
                $"{owner}.Exclude has {exclude.ItemCount} item columns but the item table has only {itemCount} items; the matrix must use the same item indices as the table.");
        if (excludeRows != null)
        {
            if (excludeRows.Length != queryCount)
                throw new ArgumentOutOfRangeException(nameof(excludeRows),
                    $"{owner}.ExcludeRows has {excludeRows.Length} entries but there are {queryCount} queries; pass one row index per query.");
            for (int q = 0; q < excludeRows.Length; q++)
                if ((uint)excludeRows[q] >= (uint)exclude.UserCount)
                    throw new ArgumentOutOfRangeException(nameof(excludeRows),
                        $"{owner}.ExcludeRows[{q}] = {excludeRows[q]} is not a row of {owner}.Exclude, which has {exclude.UserCount} rows.");
        }
        else if (queryCount > exclude.UserCount)
        {
            throw new ArgumentOutOfRangeException(nameof(exclude),
                $"{owner}.Exclude has {exclude.UserCount} rows but there are {queryCount} queries and ExcludeRows is null (query q uses row q); pass ExcludeRows or a matrix with a row per query.");
        }
    }

    /// <summary>Per-worker buffers: the heaps and exclusion cursors of a chunk, its queries packed in kernel tiles, and the tile scores.</summary>
    private sealed class Scratch(int capacity, int dimension, UserItemMatrix? exclude, int[]? excludeRows)
    {
        public TopKChunks Chunk { get; } = new(capacity, exclude, excludeRows);
        public float[] TileScores { get; } = new float[ItemPanels.TileQueries * ItemPanels.Width];
        public float[] PackedQueries { get; } = new float[TopKChunks.ChunkQueries * dimension];
    }

    /// <summary>The shared, read-only state of one search; <see cref="RunChunk"/> may run concurrently on disjoint chunks.</summary>
    private sealed class Searcher(EmbeddingTable queries, ItemPanels panels, int k, int[] resultItems, float[] resultScores)
    {
        public unsafe void RunChunk(int first, int end, Scratch scratch)
        {
            int n = end - first;
            int dim = queries.Dimension;
            scratch.Chunk.Begin(first, n);
            uint lastPanelMask = panels.LastPanelMask;

            int tileSize = dim * ItemPanels.TileQueries;
            for (int t = 0; t < n; t += ItemPanels.TileQueries)
                ItemPanels.PackQueryTile(queries.Values.AsSpan((first + t) * dim), Math.Min(ItemPanels.TileQueries, n - t), dim,
                    scratch.PackedQueries.AsSpan(t * dim, tileSize));

            fixed (float* packed = scratch.PackedQueries)
            fixed (float* tile = scratch.TileScores)
            {
                for (int p = 0; p < panels.PanelCount; p++)
                {
                    uint laneMask = p == panels.PanelCount - 1 ? lastPanelMask : 0xFFFFu;
                    for (int t = 0; t < n; t += ItemPanels.TileQueries)
                    {
                        int tileQueries = Math.Min(ItemPanels.TileQueries, n - t);
                        panels.ScoreTile(packed + (long)t * dim, p, tile);
                        for (int j = 0; j < tileQueries; j++)
                            Feed(first + t + j, t + j, p * ItemPanels.Width, tile + j * ItemPanels.Width, laneMask, scratch.Chunk);
                    }
                }
            }
            scratch.Chunk.Drain(first, n, k, resultItems, resultScores);
        }

        // Offers query `query`'s 16 scores of the panel starting at item `firstItem` to its heap. Items arrive in
        // ascending index order, so once the heap is full a candidate must score strictly above the worst kept one
        // (a tie loses to the kept, lower index).
        private static unsafe void Feed(int query, int local, int firstItem, float* scores, uint laneMask, TopKChunks chunk)
        {
            var heap = chunk.Heaps[local];
            uint mask = heap.IsFull ? ItemPanels.CandidateMask(scores, heap.WorstScore) & laneMask : laneMask;
            chunk.OfferLanes(query, local, firstItem, scores, scores, mask);
        }
    }
}
