using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The ratings of one SGD run cut into a <c>bins × bins</c> grid, as LIBMF does: users and items are dealt to
/// <see cref="Bins"/> row and column bins by a seeded random permutation (equal counts per bin), and the ratings,
/// shuffled once, are stored block by block (block <c>rowBin·bins + columnBin</c>, shuffled order kept inside a block).
/// Two blocks in different row bins and different column bins touch disjoint user and item rows, so they can be
/// updated at the same time without locks and in any order with the same result.
/// </summary>
internal sealed class SgdBlockGrid
{
    public SgdBlockGrid(InteractionData data, int bins, Random random)
    {
        Bins = bins;
        var userBin = DealBins(data.UserCount, bins, random);
        var itemBin = DealBins(data.ItemCount, bins, random);
        int n = data.Count;
        var order = new int[n];
        for (int k = 0; k < n; k++) order[k] = k;
        random.Shuffle(order);
        var block = new int[n];
        BlockStart = new int[bins * bins + 1];
        for (int r = 0; r < n; r++)
        {
            int b = userBin[data.Users[r]] * bins + itemBin[data.Items[r]];
            block[r] = b;
            BlockStart[b + 1]++;
        }
        for (int b = 0; b < bins * bins; b++) BlockStart[b + 1] += BlockStart[b];
        var next = (int[])BlockStart.Clone();
        Users = new int[n];
        Items = new int[n];
        Labels = new float[n];
        foreach (int r in order)
        {
            int at = next[block[r]]++;
            Users[at] = data.Users[r];
            Items[at] = data.Items[r];
            Labels[at] = data.Labels[r];
        }
    }

    /// <summary>Row (and column) bins of the grid.</summary>
    public int Bins { get; }
    /// <summary>Ratings of block <c>b</c> are at <c>[BlockStart[b], BlockStart[b + 1])</c>; length <c>bins² + 1</c>.</summary>
    public int[] BlockStart { get; }
    /// <summary>0-based user per stored rating.</summary>
    public int[] Users { get; }
    /// <summary>0-based item per stored rating.</summary>
    public int[] Items { get; }
    /// <summary>Rating per stored rating.</summary>
    public float[] Labels { get; }

    // Bin of each index: position in a random permutation, cut into `bins` equal runs.
    private static int[] DealBins(int count, int bins, Random random)
    {
        var perm = new int[count];
        for (int k = 0; k < count; k++) perm[k] = k;
        random.Shuffle(perm);
        var bin = new int[count];
        for (int k = 0; k < count; k++) bin[perm[k]] = (int)((long)k * bins / count);
        return bin;
    }
}
