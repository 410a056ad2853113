namespace MLNetRecExtensions.Retrieval;

/// <summary>A dense row-major matrix of <see cref="Count"/> vectors of <see cref="Dimension"/> floats.</summary>
public sealed class EmbeddingTable
{
    /// <summary>Wraps <paramref name="values"/> (not copied) as <c>[count, dimension]</c> row-major.</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="values"/> is not <c>count × dimension</c>.</exception>
    public EmbeddingTable(int count, int dimension, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        if ((long)count * dimension != values.Length)
            throw new ArgumentException($"Expected {count} × {dimension} = {(long)count * dimension} values, got {values.Length}.", nameof(values));
        Count = count;
        Dimension = dimension;
        Values = values;
    }

    /// <summary>Number of vectors (rows).</summary>
    public int Count { get; }
    /// <summary>Length of each vector (columns); 0 is allowed (a model that ranks by item biases only).</summary>
    public int Dimension { get; }
    /// <summary>The values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>Row <paramref name="index"/>.</summary>
    public Span<float> Row(int index) => Values.AsSpan(index * Dimension, Dimension);
}
