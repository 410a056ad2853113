using MLNetRecExtensions.Features;
using Microsoft.ML;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Wide &amp; Deep (Cheng et al. 2016) for binary targets such as clicks: a linear "wide" part over sparse raw and
/// crossed features (memorisation, trained with FTRL-Proximal) and a "deep" part — embeddings of categorical keys
/// plus normalised continuous features through an MLP (generalisation, trained with AdaGrad) — trained JOINTLY on one
/// logistic loss of the summed logits. See <see cref="WideAndDeepOptions"/> for inputs and hyper-parameters and
/// <see cref="WideAndDeepTransformer"/> for outputs and persistence.
/// </summary>
/// <remarks>
/// Training reads the data once into memory, then runs single-threaded mini-batch epochs (deterministic for a fixed
/// <see cref="WideAndDeepOptions.Seed"/>). Continuous normalisation statistics are learned from the training data.
/// </remarks>
public sealed class WideAndDeepEstimator : IEstimator<WideAndDeepTransformer>
{
    private readonly MLContext _mlContext;
    private readonly WideAndDeepOptions _options;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Trainers.WideAndDeep(...)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (named in the message).</exception>
    public WideAndDeepEstimator(MLContext mlContext, WideAndDeepOptions options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _mlContext = mlContext;
        _options = options.ValidatedCopy();
    }

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of an unsupported type.</exception>
    /// <exception cref="InvalidDataException">The data is empty or holds an invalid label, feature or weight.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (NaN/infinite loss).</exception>
    public WideAndDeepTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="input"/>, reporting validation log-loss and AUC on <paramref name="validation"/> after every epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of an unsupported type.</exception>
    /// <exception cref="InvalidDataException">The data is empty or holds an invalid label, feature or weight.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (NaN/infinite loss).</exception>
    public WideAndDeepTransformer Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = WideAndDeepInputs.From(input.Schema, _options, requireLabel: true);
        var train = WideAndDeepExamples.Read(input, _options, inputs);
        WideAndDeepExamples? valid = null;
        if (validation != null)
        {
            var validInputs = WideAndDeepInputs.From(validation.Schema, _options, requireLabel: true);
            if (validInputs.WideLength != inputs.WideLength || !validInputs.ContinuousWidths.SequenceEqual(inputs.ContinuousWidths))
                throw new ArgumentOutOfRangeException(nameof(validation), "The validation data's wide or continuous columns have other widths than the training data's.");
            valid = WideAndDeepExamples.Read(validation, _options, inputs);
        }

        var network = CreateNetwork(_options, inputs, train);
        var trainer = new WideAndDeepTrainer(_options, network);
        trainer.Train(train, valid);
        var parameters = Snapshot(_options, inputs, network);
        var chain = WideAndDeepScoring.Build(_mlContext, _options, inputs.KeyCounts, parameters.Pack()).Fit(input);
        return new WideAndDeepTransformer(chain, _options, parameters, trainer.History);
    }

    /// <summary>The input shape plus <c>Score</c> (Single), <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of an unsupported type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        WideAndDeepInputs.Check(inputSchema, _options);
        return WideAndDeepScoring.Build(_mlContext, _options, _options.CategoricalColumnNames.Select(_ => 1).ToArray(), [0f]).GetOutputSchema(inputSchema);
    }

    internal static WideAndDeepNetwork CreateNetwork(WideAndDeepOptions options, WideAndDeepInputs inputs, WideAndDeepExamples train)
    {
        var wide = options.HasWide ? new WidePart(inputs.WideLength, options) : null;
        DeepPart? deep = null;
        if (options.HasDeep)
        {
            // The shared feature preparation, with Wide & Deep's settings: weighted statistics, no clamping, no powers
            // (the packed MLNetRec.WideAndDeep.v1 format stores only the affine shift and scale).
            int slots = train.ContinuousSlots;
            var scaler = ContinuousScaler.Fit(train.Continuous.AsSpan(0, train.Count * slots), slots, options.Normalization, train.Weights.AsSpan(0, train.Count));
            deep = new DeepPart(inputs, options, scaler.Shift, scaler.Scale);
        }
        return new WideAndDeepNetwork(wide, deep, options);
    }

    internal static WideAndDeepModelParameters Snapshot(WideAndDeepOptions options, WideAndDeepInputs inputs, WideAndDeepNetwork network)
    {
        var deep = network.Deep;
        var layers = deep?.Mlp.Layers ?? [];
        var widths = deep == null ? [] : layers.Select(l => l.InputSize).Append(1).ToArray();
        return new WideAndDeepModelParameters(
            options.Mode,
            network.Bias[0],
            network.Wide?.Weights.ToArray() ?? [],
            deep == null ? [] : inputs.CategoricalColumns,
            deep?.Embeddings.Select(e => new EmbeddingTable(e.Count, e.Dimension, e.Weights.ToArray())).ToArray() ?? [],
            options.EmbeddingDimension,
            deep == null ? [] : inputs.ContinuousColumns,
            deep == null ? [] : inputs.ContinuousWidths,
            deep?.Shift.ToArray() ?? [],
            deep?.Scale.ToArray() ?? [],
            widths,
            layers.Select(l => l.Weights.Values.ToArray()).ToArray(),
            layers.Select(l => l.Bias.Values.ToArray()).ToArray());
    }
}
