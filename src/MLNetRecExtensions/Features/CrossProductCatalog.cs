using MLNetRecExtensions.Features;

namespace MLNetRecExtensions;

/// <summary>Catalog entries of <see cref="CrossProductEstimator"/>.</summary>
public static class CrossProductCatalog
{
    /// <summary>
    /// One hashed cross of <paramref name="inputColumnNames"/> (at least two, order matters) written as a sparse
    /// one-hot <c>Vector&lt;Single, 2^hashBits&gt;</c> to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">The indicator column to write.</param>
    /// <param name="inputColumnNames">Text, numeric, Boolean or key columns, scalar or vector.</param>
    /// <param name="hashBits">Number of hash bits, 1..30.</param>
    public static CrossProductEstimator CrossProduct(this RecommendersCatalog.TransformCatalog catalog,
        string outputColumnName, string[] inputColumnNames, int hashBits = 18)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CrossProductEstimator(catalog.Context, new CrossProductOptions
        {
            Crosses = [new CrossColumn(outputColumnName, inputColumnNames)],
            HashBits = hashBits,
        });
    }

    /// <summary>Several crosses at once, with all options.</summary>
    public static CrossProductEstimator CrossProduct(this RecommendersCatalog.TransformCatalog catalog, CrossProductOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CrossProductEstimator(catalog.Context, options);
    }
}
