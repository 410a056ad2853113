using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Negative sampling for pointwise ML.NET learners (SDCA, FastTree, field-aware factorization machines) on implicit
/// data. Input: positive rows with key-typed user and item columns. Output: every positive row (label true / 1)
/// followed by <see cref="NegativeSamplerOptions.NegativesPerPositive"/> rows of the same user, weight and
/// pass-through columns whose item is a sampled negative (label false / 0). Columns other than user, item, weight
/// and pass-through are dropped. <see cref="Fit"/> reads the input once to count items (the popularity and
/// frequency proposals) and, with <see cref="NegativeSamplerOptions.ExcludeUserHistory"/>, each user's items.
/// </summary>
public sealed class NegativeSamplingEstimator : IEstimator<NegativeSamplingTransformer>
{
    private readonly MLContext _mlContext;
    private readonly NegativeSamplingOptions _options;
    private readonly NegativeSamplingSchema _schema;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Transforms.NegativeSampling(...)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public NegativeSamplingEstimator(MLContext mlContext, NegativeSamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        _mlContext = mlContext;
        _options = options ?? new NegativeSamplingOptions();
        NegativeSamplerFactory.ValidateOptions(_options);
        _schema = new NegativeSamplingSchema(_options);
    }

    /// <summary>Counts the items (and, if asked, each user's items) of <paramref name="input"/> in one pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type, or an option does not fit the data.</exception>
    /// <exception cref="InvalidDataException">The input is empty or holds a missing key (0).</exception>
    public NegativeSamplingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _schema.Output(input.Schema, out _);
        // One pass over the key columns; rejects missing keys (0) and empty input, naming the column.
        var data = InteractionData.FromDataView(input, _schema.User, _schema.Item, labelColumn: null);
        var counts = NegativeSamplerFactory.CountItems(data.Items, data.ItemCount);
        var history = _options.ExcludeUserHistory ? UserItemMatrix.FromInteractions(data) : null;
        var sampler = NegativeSamplerFactory.Create(_options, counts, history);
        return new NegativeSamplingTransformer(_schema, sampler, counts, _options.NegativesPerPositive, _options.NegativeWeight, _options.Seed);
    }

    /// <summary>
    /// The kept input columns (user, item, weight, pass-through; in input order) plus the label (Boolean or Single).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return _schema.Output(_mlContext, inputSchema);
    }
}
