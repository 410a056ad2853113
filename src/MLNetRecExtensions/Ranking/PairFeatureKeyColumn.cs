namespace MLNetRecExtensions.Ranking;

/// <summary>
/// A categorical column of a pair-feature table: a <c>UInt32</c> key column of cardinality
/// <see cref="Cardinality"/> (scalar) or a variable-length vector of such keys (<see cref="IsVector"/>, e.g. an
/// item's genres), annotated with <see cref="ValueNames"/> as its <c>KeyValues</c> so it can be crossed, one-hot
/// encoded or embedded.
/// </summary>
public sealed class PairFeatureKeyColumn
{
    /// <summary>Creates a key column description.</summary>
    /// <param name="name">Column name (non-empty).</param>
    /// <param name="valueNames">Name of each key value: key <c>k</c> (1-based) is <c>valueNames[k − 1]</c>; at least one.</param>
    /// <param name="isVector">True for a variable-length vector of keys, false for a scalar key.</param>
    /// <param name="maxCount">Largest number of keys per row of a vector column (≥ 1); ignored (1) for a scalar column.</param>
    /// <exception cref="ArgumentOutOfRangeException">The name is empty, there is no value, or <paramref name="maxCount"/> &lt; 1.</exception>
    public PairFeatureKeyColumn(string name, IReadOnlyList<string> valueNames, bool isVector = false, int maxCount = 1)
    {
        ArgumentNullException.ThrowIfNull(valueNames);
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentOutOfRangeException(nameof(name), name, "A key column needs a non-empty name.");
        if (valueNames.Count == 0) throw new ArgumentOutOfRangeException(nameof(valueNames), $"Key column '{name}' has no values; pass the name of each key value.");
        if (isVector && maxCount < 1) throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"Vector key column '{name}' needs maxCount ≥ 1.");
        Name = name;
        ValueNames = valueNames.ToArray();
        IsVector = isVector;
        MaxCount = isVector ? maxCount : 1;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Name of each key value; key <c>k</c> (1-based) is <c>ValueNames[k − 1]</c>.</summary>
    public IReadOnlyList<string> ValueNames { get; }

    /// <summary>Number of key values (the key type's count).</summary>
    public int Cardinality => ValueNames.Count;

    /// <summary>True for a variable-length vector of keys.</summary>
    public bool IsVector { get; }

    /// <summary>Largest number of keys in a row (1 for a scalar column).</summary>
    public int MaxCount { get; }
}
