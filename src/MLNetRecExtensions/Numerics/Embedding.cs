namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A trainable embedding table of <see cref="Count"/> rows of <see cref="Dimension"/> floats (<c>[count, dimension]</c>
/// row-major in <see cref="Weights"/>). Forward passes look rows up (one id each, or the mean of a bag); backward passes
/// return SPARSE gradients — the touched row ids and their summed gradient rows — never a dense table-sized gradient.
/// Apply them with <see cref="Optimizer.StepSparse"/>.
/// </summary>
public sealed class Embedding
{
    /// <summary>Creates a table with entries drawn from <c>N(0, standardDeviation²)</c>.</summary>
    /// <param name="count">Rows, &gt; 0.</param>
    /// <param name="dimension">Row length, &gt; 0.</param>
    /// <param name="standardDeviation">Initial spread, ≥ 0 (e.g. <c>1/√dimension</c>).</param>
    /// <param name="seed">Seed of the initialisation.</param>
    public Embedding(int count, int dimension, float standardDeviation, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(standardDeviation);
        Count = count;
        Dimension = dimension;
        Weights = new float[(long)count * dimension];
        var rng = new Random(seed);
        for (int i = 0; i < Weights.Length; i++)
        {
            // Box–Muller from two uniforms in (0, 1].
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            Weights[i] = (float)(standardDeviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; }
    /// <summary>Row length.</summary>
    public int Dimension { get; }
    /// <summary>The table, <c>[Count, Dimension]</c> row-major.</summary>
    public float[] Weights { get; }

    /// <summary>Row <paramref name="id"/>.</summary>
    public Span<float> Row(int id) => Weights.AsSpan(id * Dimension, Dimension);

    /// <summary>Gathers <c>output[j] = row ids[j]</c>; <paramref name="output"/> is <c>[ids.Length, Dimension]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside <c>[0, Count)</c> or the output length is wrong.</exception>
    public void Forward(ReadOnlySpan<int> ids, Span<float> output)
    {
        CheckIds(ids);
        if (output.Length != (long)ids.Length * Dimension)
            throw new ArgumentOutOfRangeException(nameof(output), output.Length, $"Expected [ids, Dimension] = {ids.Length} × {Dimension} values.");
        for (int j = 0; j < ids.Length; j++) Row(ids[j]).CopyTo(output.Slice(j * Dimension, Dimension));
    }

    /// <summary>Sparse gradient of <see cref="Forward"/>: row <c>ids[j]</c> receives <c>dOutput[j]</c>, repeated ids summed.</summary>
    public SparseRowGradient Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> dOutput)
    {
        CheckIds(ids);
        if (dOutput.Length != (long)ids.Length * Dimension)
            throw new ArgumentOutOfRangeException(nameof(dOutput), dOutput.Length, $"Expected [ids, Dimension] = {ids.Length} × {Dimension} values.");
        var sources = new int[ids.Length];
        for (int j = 0; j < sources.Length; j++) sources[j] = j;
        var scales = new float[ids.Length];
        Array.Fill(scales, 1f);
        return SparseRowGradient.Accumulate(ids, Dimension, dOutput, sources, scales);
    }

    /// <summary>Mean of each bag's rows (see <see cref="BagPooling.MeanForward"/>; an empty bag gives zeros); output is <c>[bags, Dimension]</c>.</summary>
    public void ForwardMean(ReadOnlySpan<int> offsets, ReadOnlySpan<int> indices, Span<float> output)
        => BagPooling.MeanForward(Weights, Dimension, offsets, indices, output);

    /// <summary>Sparse gradient of <see cref="ForwardMean"/> (see <see cref="BagPooling.MeanBackward"/>).</summary>
    public SparseRowGradient BackwardMean(ReadOnlySpan<int> offsets, ReadOnlySpan<int> indices, ReadOnlySpan<float> dOutput)
        => BagPooling.MeanBackward(Count, Dimension, offsets, indices, dOutput);

    private void CheckIds(ReadOnlySpan<int> ids)
    {
        for (int j = 0; j < ids.Length; j++)
            if ((uint)ids[j] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[j], $"ids[{j}] = {ids[j]} is outside the table of {Count} rows.");
    }
}
