using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Baselines;

/// <summary>
/// The most-popular-items baseline: an item's score is the number of distinct users who interacted with it in the
/// training data, the same for every user. Recommending through <see cref="Retrieval.IEmbeddingModel"/> excludes
/// each user's seen items like every other model.
/// </summary>
public sealed class PopularityEstimator : IEstimator<PopularityTransformer>
{
    private readonly MLContext _mlContext;
    private readonly PopularityOptions _options;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Trainers.Popularity()</c>.</summary>
    public PopularityEstimator(MLContext mlContext, PopularityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        _mlContext = mlContext;
        _options = options ?? new PopularityOptions();
        ArgumentException.ThrowIfNullOrEmpty(_options.UserColumnName, nameof(PopularityOptions.UserColumnName));
        ArgumentException.ThrowIfNullOrEmpty(_options.ItemColumnName, nameof(PopularityOptions.ItemColumnName));
    }

    /// <summary>Counts the distinct users of every item in <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not a key.</exception>
    /// <exception cref="InvalidDataException">The data is empty or holds a missing key.</exception>
    public PopularityTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var data = InteractionData.FromDataView(input, _options.UserColumnName, _options.ItemColumnName, labelColumn: null);
        var byItem = UserItemMatrix.FromInteractions(data).Transpose();
        var popularity = new float[data.ItemCount];
        for (int i = 0; i < popularity.Length; i++) popularity[i] = byItem.RowStart[i + 1] - byItem.RowStart[i];
        return new PopularityTransformer(_mlContext, input, _options.UserColumnName, _options.ItemColumnName, data.UserCount, popularity);
    }

    /// <summary>The input shape plus <c>Score</c>; throws when the user or item column is not a scalar key.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        return ScoreSchema.AddScore(_mlContext, inputSchema, _options.UserColumnName, _options.ItemColumnName);
    }
}
