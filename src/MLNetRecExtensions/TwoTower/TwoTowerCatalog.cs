using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions;

/// <summary>Catalog entry of the two-tower retrieval trainer (in the root namespace, like every catalog extension).</summary>
public static class TwoTowerCatalog
{
    /// <summary>A two-tower retrieval model with the common options; the defaults need only key-typed user and item columns.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="userColumnName">Key-typed user column.</param>
    /// <param name="itemColumnName">Key-typed item column.</param>
    /// <param name="embeddingDimension">Output dimension of both towers.</param>
    /// <param name="numberOfEpochs">Passes over the training rows.</param>
    /// <param name="learningRate">Adam step size.</param>
    public static TwoTowerEstimator TwoTower(this RecommendersCatalog.TrainerCatalog catalog,
        string userColumnName = Data.InteractionColumns.User, string itemColumnName = Data.InteractionColumns.Item,
        int embeddingDimension = 64, int numberOfEpochs = 12, float learningRate = 0.003f)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TwoTowerEstimator(catalog.Context, new TwoTowerOptions
        {
            UserColumnName = userColumnName,
            ItemColumnName = itemColumnName,
            EmbeddingDimension = embeddingDimension,
            NumberOfEpochs = numberOfEpochs,
            LearningRate = learningRate,
        });
    }

    /// <summary>A two-tower retrieval model with all options.</summary>
    public static TwoTowerEstimator TwoTower(this RecommendersCatalog.TrainerCatalog catalog, TwoTowerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TwoTowerEstimator(catalog.Context, options);
    }
}
