namespace MLNetRecExtensions.Data;

/// <summary>
/// The distinct (user, item) pairs of a set of rows, so a splitter can decide per pair and send every copy of a
/// repeated pair to the same side (a pair in both train and test would leak the answer). Without repeats every row
/// is its own pair and the splitters' results are those of a per-row rule.
/// </summary>
internal sealed class PairGroups
{
    private readonly int[] _pairOfRow;

    private PairGroups(int[] representatives, int[] pairOfRow)
    {
        Representatives = representatives;
        _pairOfRow = pairOfRow;
    }

    /// <summary>The first row of each pair, ascending (pair p's representative is <c>Representatives[p]</c>).</summary>
    public int[] Representatives { get; }

    /// <summary>Number of distinct pairs.</summary>
    public int Count => Representatives.Length;

    /// <summary>True when some pair occurs on more than one row.</summary>
    public bool HasRepeats => Representatives.Length != _pairOfRow.Length;

    /// <summary>Groups rows by (user, item).</summary>
    public static PairGroups Build(int[] users, int[] items, int userCount)
    {
        var first = InteractionFileChecks.FirstOccurrences(users, items, userCount, out _);
        var pairIndex = new int[users.Length];
        var reps = new List<int>(users.Length);
        for (int r = 0; r < users.Length; r++)
        {
            if (first[r] < 0) { pairIndex[r] = reps.Count; reps.Add(r); }
            else pairIndex[r] = pairIndex[first[r]];
        }
        return new PairGroups(reps.ToArray(), pairIndex);
    }

    /// <summary>The value of each pair's first row.</summary>
    public T[] Gather<T>(T[] perRow)
    {
        var result = new T[Representatives.Length];
        for (int p = 0; p < result.Length; p++) result[p] = perRow[Representatives[p]];
        return result;
    }

    /// <summary>The latest time of each pair's rows.</summary>
    public double[] Latest(double[] perRow)
    {
        var result = new double[Representatives.Length];
        Array.Fill(result, double.NegativeInfinity);
        for (int r = 0; r < perRow.Length; r++) result[_pairOfRow[r]] = Math.Max(result[_pairOfRow[r]], perRow[r]);
        return result;
    }

    /// <summary>A per-row mask in which every row of a pair takes the value of the pair's first row.</summary>
    public bool[] Unify(bool[] perRow)
    {
        if (!HasRepeats) return perRow;
        var result = new bool[perRow.Length];
        for (int r = 0; r < result.Length; r++) result[r] = perRow[Representatives[_pairOfRow[r]]];
        return result;
    }

    /// <summary>A per-row mask from a per-pair one.</summary>
    public bool[] Expand(bool[] perPair)
    {
        if (!HasRepeats) return perPair;
        var result = new bool[_pairOfRow.Length];
        for (int r = 0; r < result.Length; r++) result[r] = perPair[_pairOfRow[r]];
        return result;
    }
}
