using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Persistence;

/// <summary>
/// Base of the library's lookup transformers: all scoring, row mapping and saving is delegated to an inner chain of
/// built-in transforms (see <see cref="DotProductScoring"/>), so a model scores identically before and after
/// <c>mlContext.Model.Save/Load</c>. Derived classes hold the typed state (factors, embeddings) and check that the
/// scored data matches the key spaces they were trained on.
/// </summary>
public abstract class ChainDelegatingTransformer : ITransformer
{
    /// <summary>The portable chain of built-in transforms that computes the outputs; built once by the derived class.</summary>
    protected abstract ITransformer ScoringChain { get; }

    /// <summary>Always true: the chain maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Throws when <paramref name="inputSchema"/> does not fit the model (missing column, other key cardinality).</summary>
    protected abstract void CheckInputSchema(DataViewSchema inputSchema);

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInputSchema(inputSchema);
        return ScoringChain.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInputSchema(inputSchema);
        return ScoringChain.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputSchema(input.Schema);
        return ScoringChain.Transform(input);
    }

    /// <summary>Saves the portable scoring chain: a loaded model is a chain of built-in transforms.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ScoringChain.Save(ctx);

    /// <summary>
    /// Checks that <paramref name="column"/> exists in <paramref name="schema"/> as a UInt32 key with exactly
    /// <paramref name="expectedCount"/> values, the key space the model was trained on.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, not a key, or has another cardinality.</exception>
    protected static void CheckKeyColumn(DataViewSchema schema, string column, string role, int expectedCount)
    {
        var col = Data.SchemaChecks.RequireKeyColumn(schema, column, role);
        var count = ((KeyDataViewType)col.Type).Count;
        if (count != (ulong)expectedCount)
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{column}' has {count} key values but the model was trained on {expectedCount}. " +
                "Score with the same key mapping (the same fitted MapValueToKey) the model was trained with.");
    }
}
