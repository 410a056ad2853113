using System.Buffers;
using System.Runtime.CompilerServices;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The ratings of one SGD run cut into a <c>bins × bins</c> grid, as LIBMF's <c>grid_problem</c> does: users and
/// items are renumbered by seeded random permutations (<see cref="UserRow"/>, <see cref="ItemRow"/>: the factor row
/// each one trains in), row bin <c>b</c> holds the renumbered users <c>[b·⌈m/bins⌉, (b+1)·⌈m/bins⌉)</c> and likewise
/// for items, and the ratings are stored block by block (block <c>rowBin·bins + columnBin</c>). Inside a block they
/// are sorted by the renumbered row of the longer side (users when there are more users than items, else items), then
/// by the other side's row, LIBMF's order: consecutive ratings reuse one factor row and walk the other side's rows in
/// memory order, which keeps large data in cache. Two blocks in different row bins and different column bins touch
/// disjoint user and item rows, so they can be updated at the same time without locks and in either order with the
/// same result.
/// </summary>
internal sealed class SgdBlockGrid
{
    /// <summary>
    /// The ratings are placed in <see cref="Chunks"/> contiguous runs of the input (<see cref="CountChunk"/>, then
    /// <see cref="ComputeOffsets"/>, then <see cref="ScatterChunk"/>); the stored arrays do not depend on the number of
    /// chunks, nor on the order or the threads the chunks run on.
    /// </summary>
    public const int Chunks = 4;

    /// <param name="data">The ratings (0-based users and items).</param>
    /// <param name="bins">Row (and column) bins, ≥ 1.</param>
    /// <param name="random">Draws the two renumberings (users first, then items).</param>
    /// <param name="labelScale">Every stored label is the rating divided by this.</param>
    /// <param name="build">Place and sort the ratings now (else the caller runs <see cref="CountChunk"/> for every
    /// chunk, <see cref="ComputeOffsets"/>, <see cref="ScatterChunk"/> for every chunk and <see cref="SortBlock"/> for
    /// every block, in that order of steps, each step's calls in any order or at the same time).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per Fit: optimise at once, not after tiering
    public SgdBlockGrid(InteractionData data, int bins, Random random, float labelScale = 1f, bool build = true)
    {
        Bins = bins;
        _data = data;
        int users = data.UserCount, items = data.ItemCount, n = data.Count;
        UserRow = Permutation(users, random);
        ItemRow = Permutation(items, random);
        int userSeg = (users + bins - 1) / bins, itemSeg = (items + bins - 1) / bins;
        SortedByUser = users > items;
        _labelScale = labelScale;

        // Three stable counting sorts: the ratings go to their blocks (bins² buckets; each chunk of the input counts its
        // own ratings per block and writes them from its own offsets, the serial order), then inside each block (small
        // enough to stay in cache) by the minor row and then by the major row, which leaves each block sorted by
        // (major, minor) with equal pairs in input order. No division per rating: per user and per item the block
        // row / column comes from a table.
        _userBlock = new int[users];
        for (int u = 0; u < users; u++) _userBlock[u] = UserRow[u] / userSeg * bins;
        _itemBlock = new int[items];
        for (int i = 0; i < items; i++) _itemBlock[i] = ItemRow[i] / itemSeg;
        BlockStart = new int[bins * bins + 1];
        _chunkNext = new int[Chunks][];
        for (int c = 0; c < Chunks; c++) _chunkNext[c] = new int[bins * bins];
        // From the shared pool (Release gives them back): arrays fresh from the OS cost a page fault per 4 KiB, and a
        // Fit would otherwise put six arrays of the data's size on the large-object heap.
        Users = ArrayPool<int>.Shared.Rent(n);
        Items = ArrayPool<int>.Shared.Rent(n);
        Labels = ArrayPool<float>.Shared.Rent(n);
        _users2 = ArrayPool<int>.Shared.Rent(n);
        _items2 = ArrayPool<int>.Shared.Rent(n);
        _labels2 = ArrayPool<float>.Shared.Rent(n);
        _userSeg = userSeg;
        _itemSeg = itemSeg;
        if (build)
        {
            for (int c = 0; c < Chunks; c++) CountChunk(c);
            ComputeOffsets();
            for (int c = 0; c < Chunks; c++) ScatterChunk(c);
            var counts = new int[SortBufferLength];
            for (int block = 0; block < bins * bins; block++) SortBlock(block, counts);
            ReleaseSortBuffers();
        }
    }

    private readonly InteractionData _data;
    private readonly float _labelScale;
    private readonly int[] _userBlock, _itemBlock;
    private readonly int[][] _chunkNext; // per chunk: its ratings per block, then (after ComputeOffsets) where its next one goes

    private (int From, int To) ChunkRange(int chunk) =>
        ((int)((long)chunk * _data.Count / Chunks), (int)((long)(chunk + 1) * _data.Count / Chunks));

    /// <summary>Counts the ratings of input chunk <paramref name="chunk"/> (of <see cref="Chunks"/>) per block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CountChunk(int chunk)
    {
        var (from, to) = ChunkRange(chunk);
        int[] count = _chunkNext[chunk], userBlock = _userBlock, itemBlock = _itemBlock, users = _data.Users, items = _data.Items;
        Array.Clear(count);
        for (int r = from; r < to; r++) count[userBlock[users[r]] + itemBlock[items[r]]]++;
    }

    /// <summary>Sets <see cref="BlockStart"/> and each chunk's first position per block, once every chunk is counted.</summary>
    public void ComputeOffsets()
    {
        int at = 0, blocks = Bins * Bins;
        for (int b = 0; b < blocks; b++)
        {
            BlockStart[b] = at;
            for (int c = 0; c < Chunks; c++)
            {
                int count = _chunkNext[c][b];
                _chunkNext[c][b] = at;
                at += count;
            }
        }
        BlockStart[blocks] = at;
    }

    /// <summary>Writes the ratings of input chunk <paramref name="chunk"/> to their blocks (renumbered, label scaled), once the offsets are computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScatterChunk(int chunk)
    {
        var (from, to) = ChunkRange(chunk);
        int[] next = _chunkNext[chunk], userBlock = _userBlock, itemBlock = _itemBlock, userRow = UserRow, itemRow = ItemRow;
        int[] dataUsers = _data.Users, dataItems = _data.Items, users1 = Users, items1 = Items;
        float[] dataLabels = _data.Labels, labels1 = Labels;
        float labelScale = _labelScale, inverseScale = 1f / labelScale;
        for (int r = from; r < to; r++)
        {
            int u = dataUsers[r], i = dataItems[r];
            int at = next[userBlock[u] + itemBlock[i]]++;
            users1[at] = userRow[u];
            items1[at] = itemRow[i];
            labels1[at] = labelScale == 1f ? dataLabels[r] : dataLabels[r] * inverseScale;
        }
    }

    private int[]? _users2, _items2;
    private float[]? _labels2;

    /// <summary>
    /// Returns the rating arrays (<see cref="Users"/>, <see cref="Items"/>, <see cref="Labels"/>, which may be longer
    /// than the rating count: positions from <c>BlockStart[^1]</c> on are unused) to the shared pool, and empties them.
    /// </summary>
    public void Release()
    {
        ReleaseSortBuffers();
        if (Users.Length == 0) return;
        ArrayPool<int>.Shared.Return(Users);
        ArrayPool<int>.Shared.Return(Items);
        ArrayPool<float>.Shared.Return(Labels);
        Users = Items = [];
        Labels = [];
    }

    /// <summary>Returns the sort's scratch arrays to the pool, once every block is sorted (<see cref="SortBlock"/> then throws).</summary>
    public void ReleaseSortBuffers()
    {
        if (_users2 == null) return;
        ArrayPool<int>.Shared.Return(_users2);
        ArrayPool<int>.Shared.Return(_items2!);
        ArrayPool<float>.Shared.Return(_labels2!);
        _users2 = _items2 = null;
        _labels2 = null;
    }
    private readonly int _userSeg, _itemSeg;

    /// <summary>Length of the <c>counts</c> buffer <see cref="SortBlock"/> needs.</summary>
    public int SortBufferLength => Math.Max(_userSeg, _itemSeg) + 1;

    /// <summary>
    /// Sorts block <paramref name="block"/> by (major row, minor row), stably (done by the constructor unless told
    /// otherwise). Blocks are independent: different blocks may be sorted at the same time on different threads,
    /// each with its own <paramref name="counts"/> buffer of <see cref="SortBufferLength"/> ints.
    /// </summary>
    public void SortBlock(int block, int[] counts)
    {
        if (_users2 == null) throw new InvalidOperationException("The sort buffers were released: sort every block before ReleaseSortBuffers.");
        int[] users2 = _users2, items2 = _items2!;
        float[] labels2 = _labels2!;
        int from = BlockStart[block], to = BlockStart[block + 1], bins = Bins;
        int userBase = block / bins * _userSeg, itemBase = block % bins * _itemSeg;
        if (SortedByUser)
        {
            SortRun(Items, Users, Labels, items2, users2, labels2, from, to, itemBase, counts);
            SortRun(users2, items2, labels2, Users, Items, Labels, from, to, userBase, counts);
        }
        else
        {
            SortRun(Users, Items, Labels, users2, items2, labels2, from, to, userBase, counts);
            SortRun(items2, users2, labels2, Items, Users, Labels, from, to, itemBase, counts);
        }
    }

    // Stable counting sort of [from, to) by key − keyBase (every key of the run is in [keyBase, keyBase + counts.Length − 1)),
    // moving the key, its companion and the label from the source arrays to the target arrays.
    private static void SortRun(int[] key, int[] other, float[] label, int[] keyOut, int[] otherOut, float[] labelOut,
        int from, int to, int keyBase, int[] counts)
    {
        Array.Clear(counts);
        for (int x = from; x < to; x++) counts[key[x] - keyBase + 1]++;
        counts[0] = from;
        for (int k = 1; k < counts.Length; k++) counts[k] += counts[k - 1];
        for (int x = from; x < to; x++)
        {
            int at = counts[key[x] - keyBase]++;
            keyOut[at] = key[x];
            otherOut[at] = other[x];
            labelOut[at] = label[x];
        }
    }

    /// <summary>Row (and column) bins of the grid.</summary>
    public int Bins { get; }
    /// <summary>Ratings of block <c>b</c> are at <c>[BlockStart[b], BlockStart[b + 1])</c>; length <c>bins² + 1</c>.</summary>
    public int[] BlockStart { get; }
    /// <summary>Factor row (renumbered user) per stored rating (pooled arrays: they may run past <c>BlockStart[^1]</c>).</summary>
    public int[] Users { get; private set; }
    /// <summary>Factor row (renumbered item) per stored rating.</summary>
    public int[] Items { get; private set; }
    /// <summary>Rating per stored rating, divided by the label scale.</summary>
    public float[] Labels { get; private set; }
    /// <summary>Factor row of each 0-based user.</summary>
    public int[] UserRow { get; }
    /// <summary>Factor row of each 0-based item.</summary>
    public int[] ItemRow { get; }
    /// <summary>True when blocks are sorted by user row (more users than items), false when by item row.</summary>
    public bool SortedByUser { get; }

    private static int[] Permutation(int count, Random random)
    {
        var perm = new int[count];
        for (int k = 0; k < count; k++) perm[k] = k;
        random.Shuffle(perm);
        return perm;
    }
}
