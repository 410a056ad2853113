using Microsoft.ML;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// A fitted Wide &amp; Deep model. <c>Transform</c> adds <c>Score</c> (the logit, Single), <c>Probability</c>
/// (<c>σ(Score)</c>, Single) and <c>PredictedLabel</c> (<c>Score &gt; 0</c>, Boolean), so
/// <c>mlContext.BinaryClassification.Evaluate</c> works on its output. Scoring, row mapping (PredictionEngine) and
/// saving all go through the portable chain of <see cref="WideAndDeepScoring"/>; a loaded model is that chain and
/// scores bit for bit like this transformer.
/// </summary>
/// <remarks>
/// At scoring, a categorical key 0 (a value unseen by <c>MapValueToKey</c>) or above the trained key count uses the
/// table's row 0 (zero unless training data had missing keys); an unseen one-hot or cross value is an all-zero
/// indicator and adds nothing to the wide part. A NaN or infinite continuous value throws
/// <see cref="InvalidDataException"/> naming the column when the row is scored.
/// </remarks>
public sealed class WideAndDeepTransformer : ChainDelegatingTransformer
{
    private readonly WideAndDeepOptions _options;

    internal WideAndDeepTransformer(ITransformer chain, WideAndDeepOptions options, WideAndDeepModelParameters parameters,
        IReadOnlyList<WideAndDeepProgress> history)
    {
        ScoringChain = chain;
        _options = options;
        Parameters = parameters;
        TrainingHistory = history;
    }

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    /// <summary>The trained parameters.</summary>
    public WideAndDeepModelParameters Parameters { get; }

    /// <summary>One report per training epoch.</summary>
    public IReadOnlyList<WideAndDeepProgress> TrainingHistory { get; }

    /// <summary>
    /// Writes the model as an ONNX graph (IR 8, opset 17) to <paramref name="stream"/>. Inputs (those the model has):
    /// <c>Wide</c> float <c>[N, wide slots]</c> (the wide vector, densified), <c>Categorical</c> int64
    /// <c>[N, columns]</c> (key values, 0 = unknown; keys must not exceed the trained counts) and <c>Continuous</c>
    /// float <c>[N, slots]</c> (raw values; normalized inside the graph). Outputs: <c>Score</c> (the logit) and
    /// <c>Probability</c> float <c>[N]</c>, equal within float rounding to this transformer's columns.
    /// </summary>
    public void ExportToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(WideAndDeepOnnxExport.Build(Parameters));
    }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var inputs = WideAndDeepInputs.From(inputSchema, _options, requireLabel: false);
        if (_options.WideFeatureColumnName is { } wide && inputs.WideLength != Parameters.WideWeights.Count)
            throw new ArgumentOutOfRangeException(nameof(WideAndDeepOptions.WideFeatureColumnName),
                $"The wide feature column '{wide}' has {inputs.WideLength} slots but the model was trained on {Parameters.WideWeights.Count}. " +
                "Score with the same fitted feature pipeline the model was trained with.");
        for (int c = 0; c < inputs.ContinuousColumns.Length; c++)
            if (inputs.ContinuousWidths[c] != Parameters.ContinuousWidths[c])
                throw new ArgumentOutOfRangeException(nameof(WideAndDeepOptions.ContinuousColumnNames),
                    $"The continuous column '{inputs.ContinuousColumns[c]}' has {inputs.ContinuousWidths[c]} slots but the model was trained on {Parameters.ContinuousWidths[c]}.");
    }
}
