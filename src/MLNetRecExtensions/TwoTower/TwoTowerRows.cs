namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// User-side inputs of a set of rows, 0-based: <see cref="Users"/> (−1 = no known user), per-row history and token
/// bags, categorical indices per field (<c>Categoricals[f][row]</c>, −1 = missing) and raw continuous values
/// <c>[Count, ContinuousWidth]</c> row-major (unscaled).
/// </summary>
internal sealed class UserFeatureRows
{
    public required int Count { get; init; }
    public required int[] Users { get; init; }
    public Bags? History { get; init; }
    public Bags? Tokens { get; init; }
    public required int[][] Categoricals { get; init; }
    public required float[] Continuous { get; init; }
    public required int ContinuousWidth { get; init; }

    public ReadOnlySpan<float> ContinuousOf(int row) => Continuous.AsSpan(row * ContinuousWidth, ContinuousWidth);
}

/// <summary>
/// Item-side features, indexed by row (as read) or by item (after <see cref="ItemFeatureTable"/> gathered them):
/// categorical indices per field (−1 = missing) and raw continuous values <c>[Count, ContinuousWidth]</c>.
/// </summary>
internal sealed class ItemFeatureRows
{
    public required int[][] Categoricals { get; init; }
    public required float[] Continuous { get; init; }
    public required int ContinuousWidth { get; init; }

    public ReadOnlySpan<float> ContinuousOf(int index) => Continuous.AsSpan(index * ContinuousWidth, ContinuousWidth);
}

/// <summary>Training rows read from an <see cref="Microsoft.ML.IDataView"/>: user inputs, the item of each row and its item features.</summary>
internal sealed class TwoTowerRows
{
    public required UserFeatureRows User { get; init; }
    public required int[] Items { get; init; }
    public required ItemFeatureRows ItemFeatures { get; init; }
    public int Count => Items.Length;
}
