using Microsoft.ML;

namespace MLNetRecExtensions.Features;

/// <summary>
/// Crosses categorical columns into hashed cross features (the "wide" part of Wide &amp; Deep, or extra features for
/// any ML.NET linear learner): every combination of the input values of a row falls into one of 2^HashBits buckets,
/// with no vocabulary, so unseen combinations hash like any other.
/// </summary>
/// <remarks>
/// <para>Inputs, each scalar or vector:</para>
/// <list type="bullet">
/// <item>text: the value itself; empty text is missing;</item>
/// <item>numbers and Booleans: their invariant-culture text (1.5 → "1.5", true → "True"; NaN is the category "NaN");</item>
/// <item>keys with KeyValues (e.g. from <c>MapValueToKey</c>): the key's VALUE, so the bucket does not depend on
/// how keys were numbered, and a key column crosses exactly like the text column it was mapped from; key 0 is missing;</item>
/// <item>scalar keys without KeyValues: the key number (key 0 is missing). Vectors of such keys are rejected.</item>
/// </list>
/// <para>A cross of scalars hashes the ordered tuple of values: MurmurHash3 (ML.NET's <c>Hash</c> transform in
/// combine mode, with <see cref="CrossProductOptions.Seed"/>) chained over the values in input order, so (A, B) and
/// (B, A) differ. When any value is missing the cross is missing: key 0 and an all-zero indicator.</para>
/// <para>A cross with a vector input (e.g. a bag of genres) takes the cartesian product of the non-empty elements:
/// every combination is joined injectively and hashed, giving a variable-length key vector and a multi-hot
/// indicator (a bucket counts 2 only if two combinations of the row collide). Missing elements take part in no
/// combination; an empty product gives an empty key vector and an all-zero indicator.</para>
/// <para>Nothing is learned: <see cref="Fit"/> only reads the schema. The fitted transformer delegates to a chain of
/// built-in transforms plus two stateless contracts (<see cref="CrossJoinMappingFactory"/>,
/// <see cref="KeyNumberTextMappingFactory"/>), so <c>mlContext.Model.Save/Load</c> round-trips it exactly.</para>
/// </remarks>
public sealed class CrossProductEstimator : IEstimator<CrossProductTransformer>
{
    private readonly MLContext _mlContext;
    private readonly CrossProductOptions _options;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Transforms.CrossProduct(...)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (named in the message).</exception>
    public CrossProductEstimator(MLContext mlContext, CrossProductOptions options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _mlContext = mlContext;
        _options = Validate(options);
    }

    /// <summary>Builds the transformer for the schema of <paramref name="input"/> (no data is read).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or of an unsupported type.</exception>
    public CrossProductTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = Classify(cross => cross.InputColumnNames.Select(n => CrossInput.From(input.Schema, n, cross.OutputColumnName)));
        var chain = CrossProductChain.Build(_mlContext, _options, inputs).Fit(input);
        return new CrossProductTransformer(_options, inputs, chain);
    }

    /// <summary>The input shape plus the cross columns (see <see cref="CrossOutputKind"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or of an unsupported type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var inputs = Classify(cross => cross.InputColumnNames.Select(n => CrossInput.From(inputSchema, n, cross.OutputColumnName)));
        return CrossProductChain.Build(_mlContext, _options, inputs).GetOutputSchema(inputSchema);
    }

    private IReadOnlyList<IReadOnlyList<CrossInput>> Classify(Func<CrossColumn, IEnumerable<CrossInput>> classify) =>
        _options.Crosses.Select(cross => (IReadOnlyList<CrossInput>)classify(cross).ToArray()).ToArray();

    // Copies the options so later changes by the caller cannot alter a built estimator.
    private static CrossProductOptions Validate(CrossProductOptions options)
    {
        if (options.HashBits is < 1 or > 30)
            throw new ArgumentOutOfRangeException(nameof(CrossProductOptions.HashBits), options.HashBits,
                $"{nameof(CrossProductOptions.HashBits)} must be in 1..30 (2^HashBits buckets), but is {options.HashBits}.");
        if (!Enum.IsDefined(options.OutputKind))
            throw new ArgumentOutOfRangeException(nameof(CrossProductOptions.OutputKind), options.OutputKind, "Unknown output kind.");
        if (options.OutputKind == CrossOutputKind.Both && string.IsNullOrEmpty(options.IndicatorSuffix))
            throw new ArgumentOutOfRangeException(nameof(CrossProductOptions.IndicatorSuffix),
                $"With {nameof(CrossOutputKind)}.{nameof(CrossOutputKind.Both)} the indicator needs a non-empty suffix to tell it from the key column.");
        if (options.Crosses == null || options.Crosses.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(CrossProductOptions.Crosses), "Give at least one cross.");

        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cross in options.Crosses)
        {
            if (cross == null)
                throw new ArgumentOutOfRangeException(nameof(CrossProductOptions.Crosses), "A cross is null.");
            if (string.IsNullOrEmpty(cross.OutputColumnName))
                throw new ArgumentOutOfRangeException(nameof(CrossColumn.OutputColumnName), "A cross has an empty output column name.");
            if (cross.InputColumnNames.Count < 2)
                throw new ArgumentOutOfRangeException(nameof(CrossColumn.InputColumnNames),
                    $"The cross '{cross.OutputColumnName}' has {cross.InputColumnNames.Count} input column(s); a cross needs at least two.");
            if (cross.InputColumnNames.Any(string.IsNullOrEmpty))
                throw new ArgumentOutOfRangeException(nameof(CrossColumn.InputColumnNames),
                    $"The cross '{cross.OutputColumnName}' has an empty input column name.");
            foreach (var name in OutputNames(options, cross))
                if (!outputs.Add(name))
                    throw new ArgumentOutOfRangeException(nameof(CrossColumn.OutputColumnName),
                        $"The output column '{name}' is written by more than one cross; give every cross its own output name.");
        }

        return new CrossProductOptions
        {
            Crosses = options.Crosses.Select(c => new CrossColumn(c.OutputColumnName, c.InputColumnNames.ToArray())).ToList(),
            HashBits = options.HashBits,
            Seed = options.Seed,
            OutputKind = options.OutputKind,
            IndicatorSuffix = options.IndicatorSuffix,
        };
    }

    private static IEnumerable<string> OutputNames(CrossProductOptions options, CrossColumn cross)
    {
        yield return cross.OutputColumnName;
        if (options.OutputKind == CrossOutputKind.Both) yield return cross.OutputColumnName + options.IndicatorSuffix;
    }
}
