using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions;

/// <summary>Catalog entries of <see cref="WideAndDeepEstimator"/> (in the root namespace, like every catalog extension).</summary>
public static class WideAndDeepCatalog
{
    /// <summary>
    /// Wide &amp; Deep binary classifier: FTRL-trained linear part over <paramref name="wideFeatureColumnName"/>
    /// jointly with an MLP over embeddings of <paramref name="categoricalColumnNames"/> and the normalised
    /// <paramref name="continuousColumnNames"/>. Writes <c>Score</c>, <c>Probability</c>, <c>PredictedLabel</c>.
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="labelColumnName">Boolean label (or 0/1 Single, or a key of count 2).</param>
    /// <param name="wideFeatureColumnName">Known-size Vector&lt;Single&gt; of one-hot and cross indicators.</param>
    /// <param name="categoricalColumnNames">UInt32 key columns, one embedding table each.</param>
    /// <param name="continuousColumnNames">Single or Vector&lt;Single&gt; columns.</param>
    /// <param name="exampleWeightColumnName">Optional Single example weight.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    public static WideAndDeepEstimator WideAndDeep(this RecommendersCatalog.TrainerCatalog catalog,
        string labelColumnName = "Label", string wideFeatureColumnName = "Wide", string[]? categoricalColumnNames = null,
        string[]? continuousColumnNames = null, string? exampleWeightColumnName = null, int numberOfEpochs = 10)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new WideAndDeepEstimator(catalog.Context, new WideAndDeepOptions
        {
            LabelColumnName = labelColumnName,
            WideFeatureColumnName = wideFeatureColumnName,
            CategoricalColumnNames = categoricalColumnNames ?? [],
            ContinuousColumnNames = continuousColumnNames ?? [],
            ExampleWeightColumnName = exampleWeightColumnName,
            NumberOfEpochs = numberOfEpochs,
        });
    }

    /// <summary>Wide &amp; Deep with all options.</summary>
    public static WideAndDeepEstimator WideAndDeep(this RecommendersCatalog.TrainerCatalog catalog, WideAndDeepOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new WideAndDeepEstimator(catalog.Context, options);
    }
}
