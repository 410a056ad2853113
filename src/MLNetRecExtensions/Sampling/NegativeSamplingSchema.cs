using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// The column contract of the negative-sampling transform, fixed when the estimator is created: which input columns
/// are kept (user, item, weight, pass-through, in input order) and the label appended last.
/// </summary>
internal sealed class NegativeSamplingSchema
{
    public NegativeSamplingSchema(NegativeSamplingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.UserColumnName, nameof(options.UserColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.ItemColumnName, nameof(options.ItemColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.LabelColumnName, nameof(options.LabelColumnName));
        if (options.LabelType is not (DataKind.Boolean or DataKind.Single))
            throw new ArgumentOutOfRangeException(nameof(options.LabelType), options.LabelType, "LabelType must be DataKind.Boolean or DataKind.Single.");
        if (options.WeightColumnName is "")
            throw new ArgumentOutOfRangeException(nameof(options.WeightColumnName), "", "WeightColumnName must be null (no weights) or a column name.");
        if (!float.IsFinite(options.NegativeWeight) || options.NegativeWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(options.NegativeWeight), options.NegativeWeight, "NegativeWeight must be finite and ≥ 0.");
        User = options.UserColumnName;
        Item = options.ItemColumnName;
        Label = options.LabelColumnName;
        Weight = options.WeightColumnName;
        BooleanLabel = options.LabelType == DataKind.Boolean;
        PassThrough = (options.PassThroughColumns ?? []).Distinct().ToArray();
        if (User == Item)
            throw new ArgumentOutOfRangeException(nameof(options.ItemColumnName), Item, $"The user and item columns must differ, but both are '{User}'.");
        foreach (var (name, option) in new[] { (User, nameof(options.UserColumnName)), (Item, nameof(options.ItemColumnName)), (Weight, nameof(options.WeightColumnName)) })
            if (name == Label)
                throw new ArgumentOutOfRangeException(option, name, $"{option} '{name}' equals LabelColumnName; the label is an output column, pick another name.");
        foreach (var name in PassThrough)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentOutOfRangeException(nameof(options.PassThroughColumns), name, "PassThroughColumns holds an empty column name.");
            if (name == Label)
                throw new ArgumentOutOfRangeException(nameof(options.PassThroughColumns), name, $"PassThroughColumns lists '{name}', the output label column.");
        }
    }

    public string User { get; }
    public string Item { get; }
    public string Label { get; }
    public string? Weight { get; }
    public bool BooleanLabel { get; }
    public string[] PassThrough { get; }

    private bool IsKept(string name) => name == User || name == Item || name == Weight || PassThrough.Contains(name);

    /// <summary>Checks <paramref name="input"/>; returns the output schema and, per output column, the input column it copies (−1 for the label).</summary>
    public DataViewSchema Output(DataViewSchema input, out int[] sourceColumn)
    {
        SchemaChecks.RequireKeyColumn(input, User, "user");
        SchemaChecks.RequireKeyColumn(input, Item, "item");
        if (Weight != null)
        {
            var w = SchemaChecks.RequireColumn(input, Weight, "weight");
            if (w.Type != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException("weight", $"The weight column '{Weight}' should be Single, but is {w.Type}. Convert it with mlContext.Transforms.Conversion.ConvertType.");
        }
        foreach (var name in PassThrough) SchemaChecks.RequireColumn(input, name, "pass-through");

        var builder = new DataViewSchema.Builder();
        var sources = new List<int>();
        foreach (var col in input)
        {
            if (col.IsHidden || !IsKept(col.Name)) continue;
            builder.AddColumn(col.Name, col.Type, col.Annotations);
            sources.Add(col.Index);
        }
        builder.AddColumn(Label, BooleanLabel ? BooleanDataViewType.Instance : NumberDataViewType.Single);
        sources.Add(-1);
        sourceColumn = sources.ToArray();
        return builder.ToSchema();
    }

    /// <summary>The shape version of <see cref="Output(DataViewSchema, out int[])"/>.</summary>
    public SchemaShape Output(MLContext mlContext, SchemaShape input)
    {
        ScoreSchema.RequireKey(input, User, "user");
        ScoreSchema.RequireKey(input, Item, "item");
        var kept = new List<SchemaShape.Column>();
        var found = new HashSet<string>();
        foreach (var col in input)
        {
            if (!IsKept(col.Name)) continue;
            if (col.Name == Weight && (col.Kind != SchemaShape.Column.VectorKind.Scalar || col.IsKey || col.ItemType != NumberDataViewType.Single))
                throw new ArgumentOutOfRangeException("weight", $"The weight column '{Weight}' should be a Single scalar, but is {col.Kind} {col.ItemType}{(col.IsKey ? " key" : "")}.");
            kept.Add(col);
            found.Add(col.Name);
        }
        if (Weight != null && !found.Contains(Weight))
            throw new ArgumentOutOfRangeException("weight", $"The weight column '{Weight}' was not found in the input schema.");
        foreach (var name in PassThrough)
            if (!found.Contains(name))
                throw new ArgumentOutOfRangeException("pass-through", $"The pass-through column '{name}' was not found in the input schema.");
        return LabelShape(mlContext).GetOutputSchema(new SchemaShape(kept));
    }

    // A third party cannot construct SchemaShape.Column: borrow the label column from a CustomMapping whose output
    // column is renamed to the label name (never fitted or saved).
    private IEstimator<ITransformer> LabelShape(MLContext mlContext)
    {
        if (BooleanLabel)
        {
            var def = SchemaDefinition.Create(typeof(BooleanLabelRow));
            def[0].ColumnName = Label;
            return mlContext.Transforms.CustomMapping<NoInput, BooleanLabelRow>((_, _) => { }, null, outputSchemaDefinition: def);
        }
        var single = SchemaDefinition.Create(typeof(SingleLabelRow));
        single[0].ColumnName = Label;
        return mlContext.Transforms.CustomMapping<NoInput, SingleLabelRow>((_, _) => { }, null, outputSchemaDefinition: single);
    }

    private sealed class NoInput { }
    private sealed class BooleanLabelRow { public bool Label { get; set; } }
    private sealed class SingleLabelRow { public float Label { get; set; } }
}
