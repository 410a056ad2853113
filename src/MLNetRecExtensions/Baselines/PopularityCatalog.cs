using MLNetRecExtensions.Baselines;

namespace MLNetRecExtensions;

/// <summary>Catalog entry of the popularity baseline (in the root namespace, like every catalog extension, so
/// <c>using MLNetRecExtensions;</c> finds it).</summary>
public static class PopularityCatalog
{
    /// <summary>The most-popular-items baseline.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="userColumnName">Key-typed user column.</param>
    /// <param name="itemColumnName">Key-typed item column.</param>
    public static PopularityEstimator Popularity(this RecommendersCatalog.TrainerCatalog catalog,
        string userColumnName = Data.InteractionColumns.User, string itemColumnName = Data.InteractionColumns.Item)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PopularityEstimator(catalog.Context, new PopularityOptions { UserColumnName = userColumnName, ItemColumnName = itemColumnName });
    }

    /// <summary>The most-popular-items baseline with all options.</summary>
    public static PopularityEstimator Popularity(this RecommendersCatalog.TrainerCatalog catalog, PopularityOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PopularityEstimator(catalog.Context, options);
    }
}
