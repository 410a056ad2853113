using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A gradient that touches only some rows of a <c>[count, dimension]</c> table: the distinct row ids in ascending
/// order and, for each, its summed gradient row. Feed it to <see cref="Optimizer.StepRows"/>.
/// </summary>
public sealed class SparseRowGradient
{
    private SparseRowGradient(int dimension, int[] rows, float[] values)
    {
        Dimension = dimension;
        Rows = rows;
        Values = values;
    }

    /// <summary>Length of each gradient row.</summary>
    public int Dimension { get; }

    /// <summary>Distinct touched row ids, ascending.</summary>
    public int[] Rows { get; }

    /// <summary>Summed gradient rows, <c>[Rows.Length, Dimension]</c> row-major; row s belongs to <c>Rows[s]</c>.</summary>
    public float[] Values { get; }

    /// <summary>The gradient row of the s-th touched row.</summary>
    public ReadOnlySpan<float> Row(int s) => Values.AsSpan(s * Dimension, Dimension);

    /// <summary>
    /// Sums scaled upstream rows per id: occurrence j adds <c>scales[j]·upstream[sources[j]]</c> (upstream is
    /// <c>[*, dimension]</c>) to the gradient of row <c>ids[j]</c>.
    /// </summary>
    internal static SparseRowGradient Accumulate(ReadOnlySpan<int> ids, int dimension, ReadOnlySpan<float> upstream,
        ReadOnlySpan<int> sources, ReadOnlySpan<float> scales)
    {
        var rows = ids.ToArray();
        Array.Sort(rows);
        int distinct = 0;
        for (int j = 0; j < rows.Length; j++)
            if (j == 0 || rows[j] != rows[distinct - 1]) rows[distinct++] = rows[j];
        Array.Resize(ref rows, distinct);
        var values = new float[(long)distinct * dimension];
        for (int j = 0; j < ids.Length; j++)
        {
            var target = values.AsSpan(Array.BinarySearch(rows, ids[j]) * dimension, dimension);
            TensorPrimitives.MultiplyAdd(upstream.Slice(sources[j] * dimension, dimension), scales[j], target, target);
        }
        return new SparseRowGradient(dimension, rows, values);
    }
}
