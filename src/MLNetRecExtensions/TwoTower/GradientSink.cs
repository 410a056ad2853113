using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Collects the sparse embedding gradients of one step. A table reached by several fields (a history sharing the item
/// table) receives several gradients; <see cref="Merged"/> sums them into one, so an optimizer steps each table once.
/// </summary>
internal sealed class GradientSink
{
    private readonly Dictionary<Embedding, List<SparseRowGradient>> _gradients = new(ReferenceEqualityComparer.Instance);

    public void Add(Embedding table, SparseRowGradient gradient)
    {
        if (gradient.Rows.Length == 0) return;
        if (!_gradients.TryGetValue(table, out var list)) _gradients[table] = list = [];
        list.Add(gradient);
    }

    public IEnumerable<Embedding> Tables => _gradients.Keys;

    /// <summary>The summed gradient of <paramref name="table"/>, or null when the step did not touch it.</summary>
    public SparseRowGradient? Merged(Embedding table)
    {
        if (!_gradients.TryGetValue(table, out var list)) return null;
        if (list.Count == 1) return list[0];
        int total = list.Sum(g => g.Rows.Length);
        var ids = new int[total];
        var values = new float[total * table.Dimension];
        var sources = new int[total];
        var scales = new float[total];
        int at = 0;
        foreach (var g in list)
        {
            g.Rows.CopyTo(ids, at);
            g.Values.CopyTo(values, at * table.Dimension);
            at += g.Rows.Length;
        }
        for (int j = 0; j < total; j++) { sources[j] = j; scales[j] = 1f; }
        return SparseRowGradient.Accumulate(ids, table.Dimension, values, sources, scales);
    }

    /// <summary>The gradient of <paramref name="table"/> as a dense <c>[Count, Dimension]</c> array (for gradient checks).</summary>
    public float[] Dense(Embedding table)
    {
        var dense = new float[table.Weights.Length];
        return Merged(table) is { } g ? ToDense(g, table) : dense;
    }

    /// <summary><paramref name="gradient"/> scattered into a dense <c>[Count, Dimension]</c> array shaped like <paramref name="table"/>.</summary>
    public static float[] ToDense(SparseRowGradient gradient, Embedding table)
    {
        var dense = new float[table.Weights.Length];
        for (int s = 0; s < gradient.Rows.Length; s++) gradient.Row(s).CopyTo(dense.AsSpan(gradient.Rows[s] * table.Dimension, table.Dimension));
        return dense;
    }

    public void Clear() => _gradients.Clear();
}
