namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Writes one <see cref="IPairFeatureSource"/>'s values for (user, item) pairs, bound to a history by
/// <see cref="IPairFeatureSource.Bind"/>. Methods may be called for any pair in any order, but not concurrently.
/// </summary>
public interface IPairFeatureWriter
{
    /// <summary>
    /// Writes the dense features of (<paramref name="user"/>, <paramref name="item"/>) into
    /// <paramref name="features"/>, whose length is the source's <see cref="IPairFeatureSource.FeatureNames"/> count.
    /// Values must be finite.
    /// </summary>
    void Fill(int user, int item, Span<float> features);

    /// <summary>
    /// Writes the keys of key column <paramref name="column"/> (index into <see cref="IPairFeatureSource.KeyColumns"/>)
    /// for (<paramref name="user"/>, <paramref name="item"/>) and returns how many were written: exactly 1 for a
    /// scalar column, 0 to <see cref="PairFeatureKeyColumn.MaxCount"/> for a vector column. Keys are ML.NET raw key values:
    /// 1-based, 1..<see cref="PairFeatureKeyColumn.Cardinality"/>, 0 = missing.
    /// </summary>
    int FillKeys(int column, int user, int item, Span<uint> keys);
}
