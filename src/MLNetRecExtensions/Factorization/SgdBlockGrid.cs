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
    /// <param name="data">The ratings (0-based users and items).</param>
    /// <param name="bins">Row (and column) bins, ≥ 1.</param>
    /// <param name="random">Draws the two renumberings (users first, then items).</param>
    /// <param name="labelScale">Every stored label is the rating divided by this.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per Fit: optimise at once, not after tiering
    public SgdBlockGrid(InteractionData data, int bins, Random random, float labelScale = 1f)
    {
        Bins = bins;
        int users = data.UserCount, items = data.ItemCount, n = data.Count;
        UserRow = Permutation(users, random);
        ItemRow = Permutation(items, random);
        int userSeg = (users + bins - 1) / bins, itemSeg = (items + bins - 1) / bins;
        SortedByUser = users > items;
        int seg = SortedByUser ? userSeg : itemSeg;
        int minorCount = SortedByUser ? items : users;

        // Pass 1: counting sort by the minor side's row (the tie-breaker), so that pass 2, stable, leaves each
        // (block, major row) run in minor-row order.
        var minorStart = new int[minorCount + 1];
        var minor = new int[n];
        var major = new int[n];
        for (int r = 0; r < n; r++)
        {
            int ur = UserRow[data.Users[r]], ir = ItemRow[data.Items[r]];
            minor[r] = SortedByUser ? ir : ur;
            major[r] = SortedByUser ? ur : ir;
            minorStart[minor[r] + 1]++;
        }
        for (int k = 0; k < minorCount; k++) minorStart[k + 1] += minorStart[k];
        var byMinor = new int[n];
        for (int r = 0; r < n; r++) byMinor[minorStart[minor[r]]++] = r;

        // Pass 2: counting sort by key = block·seg + (major row within its bin).
        var keyStart = new int[bins * bins * seg + 1];
        var key = new int[n];
        for (int r = 0; r < n; r++)
        {
            int ur = SortedByUser ? major[r] : minor[r], ir = SortedByUser ? minor[r] : major[r];
            int block = ur / userSeg * bins + ir / itemSeg;
            key[r] = block * seg + major[r] % seg;
            keyStart[key[r] + 1]++;
        }
        for (int k = 0; k < keyStart.Length - 1; k++) keyStart[k + 1] += keyStart[k];
        BlockStart = new int[bins * bins + 1];
        for (int b = 0; b <= bins * bins; b++) BlockStart[b] = keyStart[b * seg];
        Users = new int[n];
        Items = new int[n];
        Labels = new float[n];
        float inverseScale = 1f / labelScale;
        foreach (int r in byMinor)
        {
            int at = keyStart[key[r]]++;
            Users[at] = UserRow[data.Users[r]];
            Items[at] = ItemRow[data.Items[r]];
            Labels[at] = labelScale == 1f ? data.Labels[r] : data.Labels[r] * inverseScale;
        }
    }

    /// <summary>Row (and column) bins of the grid.</summary>
    public int Bins { get; }
    /// <summary>Ratings of block <c>b</c> are at <c>[BlockStart[b], BlockStart[b + 1])</c>; length <c>bins² + 1</c>.</summary>
    public int[] BlockStart { get; }
    /// <summary>Factor row (renumbered user) per stored rating.</summary>
    public int[] Users { get; }
    /// <summary>Factor row (renumbered item) per stored rating.</summary>
    public int[] Items { get; }
    /// <summary>Rating per stored rating, divided by the label scale.</summary>
    public float[] Labels { get; }
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
