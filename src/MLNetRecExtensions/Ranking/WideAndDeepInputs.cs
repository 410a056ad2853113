using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The input layout a model is trained on, read from a schema: the wide vector's length, each categorical column's
/// key count and each continuous column's width (1 for a scalar). Validates the column types with messages that
/// name the column, the expected and the actual type.
/// </summary>
internal sealed class WideAndDeepInputs
{
    private WideAndDeepInputs(int wideLength, string[] categorical, int[] keyCounts, string[] continuous, int[] widths)
    {
        WideLength = wideLength;
        CategoricalColumns = categorical;
        KeyCounts = keyCounts;
        ContinuousColumns = continuous;
        ContinuousWidths = widths;
    }

    /// <summary>Length of the wide vector (0 without a wide part).</summary>
    public int WideLength { get; }
    /// <summary>Categorical key columns, in option order.</summary>
    public string[] CategoricalColumns { get; }
    /// <summary>Key count of each categorical column (its table has count + 1 rows).</summary>
    public int[] KeyCounts { get; }
    /// <summary>Continuous columns, in option order.</summary>
    public string[] ContinuousColumns { get; }
    /// <summary>Slots of each continuous column.</summary>
    public int[] ContinuousWidths { get; }
    /// <summary>Total continuous slots.</summary>
    public int ContinuousSlots => ContinuousWidths.Sum();

    /// <summary>Reads and validates the layout from <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of an unsupported type.</exception>
    public static WideAndDeepInputs From(DataViewSchema schema, WideAndDeepOptions options, bool requireLabel)
    {
        int wideLength = 0;
        if (options.WideFeatureColumnName is { } wide)
        {
            var type = Find(schema, wide, "wide feature").Type;
            if (type is not VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } v || n != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(options.WideFeatureColumnName),
                    $"The wide feature column '{wide}' should be a known-size Vector<Single>, but is {type}. " +
                    "Concatenate one-hot encodings and CrossProduct indicators into one vector.");
            wideLength = v.Size;
        }
        var categorical = options.CategoricalColumnNames.ToArray();
        var counts = new int[categorical.Length];
        for (int c = 0; c < categorical.Length; c++)
        {
            var type = Find(schema, categorical[c], "categorical").Type;
            if (type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count == 0 || key.Count >= int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(options.CategoricalColumnNames),
                    $"The categorical column '{categorical[c]}' should be a scalar UInt32 key of known count, but is {type}. " +
                    $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{categorical[c]}\").");
            counts[c] = (int)key.Count;
        }
        var continuous = options.ContinuousColumnNames.ToArray();
        var widths = new int[continuous.Length];
        for (int c = 0; c < continuous.Length; c++)
        {
            var type = Find(schema, continuous[c], "continuous").Type;
            widths[c] = type switch
            {
                NumberDataViewType n when n == NumberDataViewType.Single => 1,
                VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } v when n == NumberDataViewType.Single => v.Size,
                _ => throw new ArgumentOutOfRangeException(nameof(options.ContinuousColumnNames),
                    $"The continuous column '{continuous[c]}' should be Single or a known-size Vector<Single>, but is {type}. " +
                    "Convert it with mlContext.Transforms.Conversion.ConvertType(..., DataKind.Single)."),
            };
        }
        if (requireLabel) CheckLabel(Find(schema, options.LabelColumnName, "label").Type, options.LabelColumnName);
        if (options.ExampleWeightColumnName is { } weight)
        {
            var type = Find(schema, weight, "example weight").Type;
            if (type != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(options.ExampleWeightColumnName),
                    $"The example weight column '{weight}' should be Single, but is {type}.");
        }
        return new WideAndDeepInputs(wideLength, categorical, counts, continuous, widths);
    }

    /// <summary>Throws unless the label type is Boolean, Single, Double or a key of count 2.</summary>
    public static void CheckLabel(DataViewType type, string column)
    {
        bool ok = type == BooleanDataViewType.Instance || type == NumberDataViewType.Single || type == NumberDataViewType.Double
                  || type is KeyDataViewType { Count: 2 } k && k.RawType == typeof(uint);
        if (!ok)
            throw new ArgumentOutOfRangeException("LabelColumnName",
                $"The label column '{column}' should be Boolean, Single/Double holding 0 or 1, or a UInt32 key of count 2, but is {type}. " +
                "Convert it to Boolean (e.g. with a CustomMapping or by loading it as bool).");
    }

    /// <summary>Schema-shape variant used by <c>GetOutputSchema</c>: column presence and types.</summary>
    public static void Check(SchemaShape shape, WideAndDeepOptions options)
    {
        SchemaShape.Column Get(string name, string role)
        {
            foreach (var c in shape) if (c.Name == name) return c;
            throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found in the input schema.");
        }
        if (options.WideFeatureColumnName is { } wide)
        {
            var c = Get(wide, "wide feature");
            if (c.Kind != SchemaShape.Column.VectorKind.Vector || c.ItemType != NumberDataViewType.Single || c.IsKey)
                throw new ArgumentOutOfRangeException(nameof(options.WideFeatureColumnName),
                    $"The wide feature column '{wide}' should be a known-size Vector<Single>, but is {c.Kind} {c.ItemType}.");
        }
        foreach (var name in options.CategoricalColumnNames)
        {
            var c = Get(name, "categorical");
            if (c.Kind != SchemaShape.Column.VectorKind.Scalar || !c.IsKey || c.ItemType.RawType != typeof(uint))
                throw new ArgumentOutOfRangeException(nameof(options.CategoricalColumnNames),
                    $"The categorical column '{name}' should be a scalar UInt32 key, but is {c.Kind} {c.ItemType}{(c.IsKey ? " key" : "")}. " +
                    $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
        }
        foreach (var name in options.ContinuousColumnNames)
        {
            var c = Get(name, "continuous");
            if (c.Kind == SchemaShape.Column.VectorKind.VariableVector || c.IsKey || c.ItemType != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(options.ContinuousColumnNames),
                    $"The continuous column '{name}' should be Single or a known-size Vector<Single>, but is {c.Kind} {c.ItemType}.");
        }
        var label = Get(options.LabelColumnName, "label");
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException("LabelColumnName", $"The label column '{options.LabelColumnName}' should be a scalar, but is a {label.Kind}.");
        if (!label.IsKey) CheckLabel(label.ItemType, options.LabelColumnName);
        if (options.ExampleWeightColumnName is { } weight)
        {
            var c = Get(weight, "example weight");
            if (c.Kind != SchemaShape.Column.VectorKind.Scalar || c.ItemType != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(options.ExampleWeightColumnName),
                    $"The example weight column '{weight}' should be Single, but is {c.Kind} {c.ItemType}.");
        }
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) is { } c && !c.IsHidden
            ? c
            : throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found in the input schema.");
}
