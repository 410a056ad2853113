using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// A fitted GRU4Rec model. <c>Transform</c> reads the prefix column (a vector of item keys of the training item key
/// space, oldest first: <c>Vector&lt;Key&lt;UInt32&gt;&gt;</c>, <c>Vector&lt;UInt32&gt;</c> or any numeric vector)
/// and adds the top-K next items (<c>Vector&lt;UInt32&gt;</c> of 1-based item keys, best first; MapKeyToValue-able
/// through the training key mapping) and their scores (<c>Vector&lt;Single&gt;</c>, descending).
/// </summary>
/// <remarks>
/// Unknown items in a prefix (key 0, keys above the catalog, non-integers) are skipped; a prefix with no known item
/// gets the most popular training items, scored by their training event counts. Scoring, row mapping
/// (PredictionEngine) and saving go through the portable chain of <see cref="Gru4RecScoring"/> (contract
/// <c>MLNetRec.Gru4Rec.v1</c>), so a loaded model gives identical output.
/// </remarks>
public sealed class Gru4RecTransformer : ChainDelegatingTransformer
{
    private readonly Gru4RecOptions _options;

    internal Gru4RecTransformer(ITransformer chain, Gru4RecModel model, Gru4RecOptions options, IReadOnlyList<string> warnings)
    {
        ScoringChain = chain;
        Model = model;
        _options = options;
        DataWarnings = warnings;
    }

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    /// <summary>The trained network (fast batch scoring, evaluation, original ids).</summary>
    public Gru4RecModel Model { get; }

    /// <summary>What was dropped or sorted in the training data (one sentence each; empty when clean).</summary>
    public IReadOnlyList<string> DataWarnings { get; }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.GetColumnOrNull(_options.PrefixColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The prefix column '{_options.PrefixColumnName}' is missing; scoring needs a vector of item keys (the session so far).");
        if (column.Type is not VectorDataViewType vector || !(vector.ItemType is KeyDataViewType || Data.SchemaChecks.IsNumeric(vector.ItemType)))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The prefix column '{_options.PrefixColumnName}' is {column.Type}; give a vector of item keys (Vector<Key<UInt32>> or Vector<UInt32>).");
    }
}
