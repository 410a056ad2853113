using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Mean pooling of embedding rows over variable-length bags (a user's history, an item's tags), bags given CSR-style:
/// bag b holds <c>indices[offsets[b] .. offsets[b+1])</c>, row ids into a <c>[count, dimension]</c> table;
/// <c>offsets</c> has <c>bags + 1</c> non-decreasing entries starting at 0 and ending at <c>indices.Length</c>.
/// An empty bag pools to the zero vector and passes no gradient.
/// </summary>
public static class BagPooling
{
    /// <summary><c>output[b] = mean of table rows indices[offsets[b] .. offsets[b+1])</c>; output is <c>[bags, dimension]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Offsets are malformed, an index is outside the table, or a span has the wrong length.</exception>
    public static void MeanForward(ReadOnlySpan<float> table, int dimension, ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> indices, Span<float> output)
    {
        int bags = Validate(table.Length, dimension, offsets, indices);
        if (output.Length != bags * dimension)
            throw new ArgumentOutOfRangeException(nameof(output), output.Length, $"Expected [bags, dimension] = {bags} × {dimension} values.");
        for (int b = 0; b < bags; b++)
        {
            var pooled = output.Slice(b * dimension, dimension);
            pooled.Clear();
            int start = offsets[b], end = offsets[b + 1];
            for (int j = start; j < end; j++)
                TensorPrimitives.Add(pooled, table.Slice(indices[j] * dimension, dimension), pooled);
            if (end > start) TensorPrimitives.Multiply(pooled, 1f / (end - start), pooled);
        }
    }

    /// <summary>
    /// Gradient of <see cref="MeanForward"/> with respect to the table, as sparse rows: each occurrence in bag b adds
    /// <c>dOutput[b] / |b|</c> to its row; repeated ids are summed.
    /// </summary>
    /// <param name="tableCount">Rows in the table (to validate the indices).</param>
    /// <param name="dimension">Row length.</param>
    /// <param name="offsets">Bag offsets, <c>bags + 1</c> entries.</param>
    /// <param name="indices">Row ids of all bags.</param>
    /// <param name="dOutput">Upstream gradient, <c>[bags, dimension]</c>.</param>
    public static SparseRowGradient MeanBackward(int tableCount, int dimension, ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> indices, ReadOnlySpan<float> dOutput)
    {
        int bags = Validate((long)tableCount * dimension, dimension, offsets, indices);
        if (dOutput.Length != bags * dimension)
            throw new ArgumentOutOfRangeException(nameof(dOutput), dOutput.Length, $"Expected [bags, dimension] = {bags} × {dimension} values.");
        var sources = new int[indices.Length];
        var scales = new float[indices.Length];
        for (int b = 0; b < bags; b++)
            for (int j = offsets[b]; j < offsets[b + 1]; j++)
            {
                sources[j] = b;
                scales[j] = 1f / (offsets[b + 1] - offsets[b]);
            }
        return SparseRowGradient.Accumulate(indices, dimension, dOutput, sources, scales);
    }

    /// <summary>Returns the number of bags after checking offsets and indices.</summary>
    private static int Validate(long tableLength, int dimension, ReadOnlySpan<int> offsets, ReadOnlySpan<int> indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (tableLength % dimension != 0)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"Table length {tableLength} is not a multiple of the dimension.");
        long count = tableLength / dimension;
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != indices.Length)
            throw new ArgumentOutOfRangeException(nameof(offsets),
                $"Offsets must start at 0 and end at indices.Length = {indices.Length}; got {offsets.Length} entries.");
        for (int b = 1; b < offsets.Length; b++)
            if (offsets[b] < offsets[b - 1])
                throw new ArgumentOutOfRangeException(nameof(offsets), $"Offsets must not decrease; offsets[{b}] = {offsets[b]} < offsets[{b - 1}] = {offsets[b - 1]}.");
        for (int j = 0; j < indices.Length; j++)
            if ((uint)indices[j] >= count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[j], $"indices[{j}] = {indices[j]} is outside the table of {count} rows.");
        return offsets.Length - 1;
    }
}
