using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Fitted negative sampling. Its two faces:
/// <list type="bullet">
/// <item><see cref="Transform"/> (training): a lazy, streaming view that emits each input row followed by its
/// sampled negatives, reading the input once per cursor and never materializing the output. Every cursor replays
/// the same rows for the same seed, so multi-pass learners see one fixed data set. Used on held-out positives it
/// also yields an evaluation set with sampled negatives.</item>
/// <item>Scoring: negative sampling is a training-only step. As a row-to-row mapper (PredictionEngine) and once
/// saved with <c>mlContext.Model.Save</c>, it is the identity: the saved form is an empty chain of built-in
/// transforms, so a loaded <c>sampler → trainer</c> model scores rows unchanged, one score per input row.</item>
/// </list>
/// </summary>
public sealed class NegativeSamplingTransformer : ITransformer
{
    private readonly NegativeSamplingSchema _schema;
    private readonly ITransformer _identity = new TransformerChain<ITransformer>();

    internal NegativeSamplingTransformer(NegativeSamplingSchema schema, INegativeSampler sampler, double[] itemCounts,
        int negativesPerPositive, float negativeWeight, int seed)
    {
        _schema = schema;
        Sampler = sampler;
        ItemCounts = itemCounts;
        NegativesPerPositive = negativesPerPositive;
        NegativeWeight = negativeWeight;
        Seed = seed;
    }

    /// <summary>The fitted per-row sampler (0-based users and items).</summary>
    public INegativeSampler Sampler { get; }

    /// <summary>Training interaction count per item, indexed by item (key − 1).</summary>
    public IReadOnlyList<double> ItemCounts { get; }

    /// <summary>Negative rows emitted after each positive row.</summary>
    public int NegativesPerPositive { get; }

    /// <summary>Weight of a negative row when a weight column is set.</summary>
    public float NegativeWeight { get; }

    /// <summary>Seed of the sampling stream each cursor starts from.</summary>
    public int Seed { get; }

    /// <summary>Key-typed user column.</summary>
    public string UserColumnName => _schema.User;
    /// <summary>Key-typed item column.</summary>
    public string ItemColumnName => _schema.Item;
    /// <summary>Output label column.</summary>
    public string LabelColumnName => _schema.Label;

    /// <summary>True: as a row-to-row mapper this training-only step is the identity (see the class summary).</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema of <see cref="Transform"/>'s output: kept input columns plus the label.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, has the wrong type, or the item key space differs from training.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckItemKeySpace(inputSchema);
        return _schema.Output(inputSchema, out _);
    }

    /// <summary>The identity mapper: at scoring time rows pass unchanged.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _identity.GetRowToRowMapper(inputSchema);

    /// <summary>Emits every input row as a positive followed by its sampled negatives, lazily.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, has the wrong type, or the item key space differs from training.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckItemKeySpace(input.Schema);
        var output = _schema.Output(input.Schema, out var sources);
        return new NegativeSampledDataView(input, output, sources, _schema, Sampler, NegativesPerPositive, NegativeWeight, Seed);
    }

    /// <summary>Saves the identity (an empty chain of built-in transforms): sampling is not part of a scoring model.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _identity.Save(ctx);

    private void CheckItemKeySpace(DataViewSchema schema)
    {
        var col = SchemaChecks.RequireKeyColumn(schema, _schema.Item, "item");
        var count = ((KeyDataViewType)col.Type).Count;
        if (count != (ulong)Sampler.ItemCount)
            throw new ArgumentOutOfRangeException("item",
                $"The item column '{_schema.Item}' has {count} key values but the sampler was fitted on {Sampler.ItemCount}. " +
                "Use the same key mapping (the same fitted MapValueToKey) for training and sampling.");
    }
}
