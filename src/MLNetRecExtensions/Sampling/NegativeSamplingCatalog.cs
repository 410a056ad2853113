using MLNetRecExtensions.Data;

using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions;

/// <summary>Catalog entry of the negative-sampling transform.</summary>
public static class NegativeSamplingCatalog
{
    /// <summary>
    /// Turns positive (user, item) rows into labelled rows for pointwise learners: each positive (label true) is
    /// followed by <paramref name="negativesPerPositive"/> rows of the same user with a sampled item (label false).
    /// A training-only step: saved, it scores rows unchanged (see <see cref="NegativeSamplingTransformer"/>).
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="userColumnName">Key-typed user column.</param>
    /// <param name="itemColumnName">Key-typed item column.</param>
    /// <param name="strategy">Where negatives come from.</param>
    /// <param name="negativesPerPositive">Negative rows per positive row.</param>
    /// <param name="seed">Seed of the sampling; a fixed seed gives identical rows.</param>
    public static NegativeSamplingEstimator NegativeSampling(this RecommendersCatalog.TransformCatalog catalog,
        string userColumnName = InteractionColumns.User, string itemColumnName = InteractionColumns.Item,
        NegativeSamplingStrategy strategy = NegativeSamplingStrategy.Popularity, int negativesPerPositive = 4, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NegativeSamplingEstimator(catalog.Context, new NegativeSamplingOptions
        {
            UserColumnName = userColumnName,
            ItemColumnName = itemColumnName,
            Strategy = strategy,
            NegativesPerPositive = negativesPerPositive,
            Seed = seed,
        });
    }

    /// <summary>The negative-sampling transform with all options.</summary>
    public static NegativeSamplingEstimator NegativeSampling(this RecommendersCatalog.TransformCatalog catalog, NegativeSamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NegativeSamplingEstimator(catalog.Context, options);
    }
}
