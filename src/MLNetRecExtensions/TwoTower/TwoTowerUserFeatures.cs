namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The user-side inputs of one user for <see cref="TwoTowerTransformer.ComputeUserEmbedding"/>, as 0-based indices
/// (ML.NET key − 1). Every member is optional: a new user (cold start) gives its features and no <see cref="User"/>.
/// </summary>
public sealed class TwoTowerUserFeatures
{
    /// <summary>0-based user index, or null for a user unknown to the model. A user without training rows is treated as unknown.</summary>
    public int? User { get; set; }

    /// <summary>0-based item indices of the history to pool; null uses the user's training items when the user is known
    /// (nothing otherwise). An empty array pools to the zero vector.</summary>
    public int[]? History { get; set; }

    /// <summary>0-based token indices (when the model has a token column); null or empty pools to zero.</summary>
    public int[]? Tokens { get; set; }

    /// <summary>0-based index per categorical column, in the order of <see cref="TwoTowerOptions.CategoricalColumnNames"/>;
    /// −1 = missing. Null: all missing.</summary>
    public int[]? Categoricals { get; set; }

    /// <summary>Raw (unscaled) continuous values: the slots of every column of <see cref="TwoTowerOptions.ContinuousColumnNames"/>
    /// concatenated. Null: the training mean of each slot.</summary>
    public float[]? Continuous { get; set; }
}
