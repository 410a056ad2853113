namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Variable-length bags of 0-based row ids in CSR form: bag r holds <c>Indices[Offsets[r] .. Offsets[r+1])</c>;
/// <see cref="Offsets"/> has <c>Count + 1</c> entries.
/// </summary>
internal sealed class Bags
{
    public Bags(int[] offsets, int[] indices)
    {
        Offsets = offsets;
        Indices = indices;
    }

    public int[] Offsets { get; }
    public int[] Indices { get; }
    public int Count => Offsets.Length - 1;

    public ReadOnlySpan<int> Of(int row) => Indices.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    /// <summary>Builds bags from per-row lists.</summary>
    public static Bags From(IReadOnlyList<int[]> rows)
    {
        var offsets = new int[rows.Count + 1];
        for (int r = 0; r < rows.Count; r++) offsets[r + 1] = offsets[r] + rows[r].Length;
        var indices = new int[offsets[^1]];
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(indices, offsets[r]);
        return new Bags(offsets, indices);
    }
}

/// <summary>Appends bags one by one (the CSR input of one tower field for one batch).</summary>
internal sealed class BagBuilder
{
    private readonly List<int> _offsets = [0];
    private readonly List<int> _indices = [];

    public void Add(ReadOnlySpan<int> bag)
    {
        foreach (int i in bag) _indices.Add(i);
        _offsets.Add(_indices.Count);
    }

    public void AddSingle(int id)
    {
        if (id >= 0) _indices.Add(id);
        _offsets.Add(_indices.Count);
    }

    public Bags Build() => new([.. _offsets], [.. _indices]);
}
