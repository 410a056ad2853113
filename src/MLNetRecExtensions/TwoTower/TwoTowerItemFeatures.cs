namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The item-side inputs of one item for <see cref="TwoTowerTransformer.ComputeItemEmbedding"/>, as 0-based indices
/// (ML.NET key − 1). A new item (unknown to the model) gives its features and no <see cref="Item"/>.
/// </summary>
public sealed class TwoTowerItemFeatures
{
    /// <summary>0-based item index, or null for an item unknown to the model. An item without training rows is treated as unknown.</summary>
    public int? Item { get; set; }

    /// <summary>0-based index per item categorical column, in the order of <see cref="TwoTowerOptions.ItemCategoricalColumnNames"/>;
    /// −1 = missing. Null: all missing.</summary>
    public int[]? Categoricals { get; set; }

    /// <summary>Raw (unscaled) values: the slots of every column of <see cref="TwoTowerOptions.ItemContinuousColumnNames"/>
    /// concatenated (e.g. the 19 genre flags). Null: the training mean of each slot.</summary>
    public float[]? Continuous { get; set; }
}
