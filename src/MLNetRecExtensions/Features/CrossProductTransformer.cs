using Microsoft.ML;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Features;

/// <summary>
/// Fitted <see cref="CrossProductEstimator"/>: adds the cross columns. Scoring and saving are delegated to a chain of
/// built-in transforms, so a saved and reloaded model (a <c>TransformerChain</c>) gives identical outputs.
/// </summary>
public sealed class CrossProductTransformer : ChainDelegatingTransformer
{
    private readonly IReadOnlyList<IReadOnlyList<CrossInput>> _inputs;

    internal CrossProductTransformer(CrossProductOptions options, IReadOnlyList<IReadOnlyList<CrossInput>> inputs, ITransformer chain)
    {
        ScoringChain = chain;
        Options = options;
        _inputs = inputs;
    }

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    /// <summary>The options the transformer was built with (a private copy; do not modify).</summary>
    public CrossProductOptions Options { get; }

    /// <summary>Every input column must exist and be of the kind it had at fit time (e.g. still a key with text values).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or changed kind.</exception>
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        for (int c = 0; c < _inputs.Count; c++)
        {
            var cross = Options.Crosses[c].OutputColumnName;
            foreach (var expected in _inputs[c])
            {
                var actual = CrossInput.From(inputSchema, expected.Name, cross);
                if (actual != expected)
                    throw new ArgumentOutOfRangeException(nameof(CrossColumn.InputColumnNames),
                        $"The input column '{expected.Name}' of cross '{cross}' was a {Describe(expected)} when the transformer " +
                        $"was fitted but is a {Describe(actual)} now. Transform data with the same schema as at fit time.");
            }
        }
    }

    private static string Describe(CrossInput input) => $"{(input.IsVector ? "vector" : "scalar")} {input.Source}";
}
