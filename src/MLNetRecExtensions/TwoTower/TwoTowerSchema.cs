using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The columns a two-tower model reads, checked against a schema: key cardinalities of the user, item, token and
/// categorical columns and the slot count of each continuous column. Every failure is an
/// <see cref="ArgumentOutOfRangeException"/> naming the option, the column, the expected and the actual type.
/// </summary>
internal sealed class TwoTowerSchema
{
    public int UserCount { get; private init; }
    public int ItemCount { get; private init; }
    public int TokenCount { get; private init; }
    public int[] CategoricalCounts { get; private init; } = [];
    public int[] ContinuousWidths { get; private init; } = [];
    public int[] ItemCategoricalCounts { get; private init; } = [];
    public int[] ItemContinuousWidths { get; private init; } = [];
    /// <summary>1 when the user tower has the example-age slot (<see cref="TwoTowerOptions.ExampleAgeColumnName"/>), else 0.</summary>
    public int ExampleAgeSlots { get; private init; }
    /// <summary>Raw continuous slots of the user columns (without the example age).</summary>
    public int ContinuousWidth => ContinuousWidths.Sum();
    /// <summary>Raw continuous slots of the user tower: the user columns' slots, then the example age (when configured).</summary>
    public int UserContinuousWidth => ContinuousWidth + ExampleAgeSlots;
    public int ItemContinuousWidth => ItemContinuousWidths.Sum();

    /// <summary>Resolves every configured column of <paramref name="schema"/>.</summary>
    public static TwoTowerSchema Resolve(DataViewSchema schema, TwoTowerOptions options)
    {
        int users = KeyCount(SchemaChecks.RequireKeyColumn(schema, options.UserColumnName, "user"));
        int items = KeyCount(SchemaChecks.RequireKeyColumn(schema, options.ItemColumnName, "item"));
        if (options.ExampleAgeColumnName is { } time)
        {
            var col = SchemaChecks.RequireColumn(schema, time, nameof(TwoTowerOptions.ExampleAgeColumnName));
            if (!SchemaChecks.IsNumeric(col.Type))
                throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.ExampleAgeColumnName),
                    $"The timestamp column '{time}' (ExampleAgeColumnName) should be a numeric scalar (e.g. Unix seconds), but is {col.Type}.");
        }
        return ResolveFeatures(schema, options, users, items, includeItemFeatures: true);
    }

    /// <summary>Resolves the user-side feature columns only (for scoring rows of user features), given the key spaces.</summary>
    public static TwoTowerSchema ResolveFeatures(DataViewSchema schema, TwoTowerOptions options, int userCount, int itemCount,
        bool includeItemFeatures)
    {
        if (options.HistoryColumnName is { } history) RequireKeyVector(schema, history, nameof(TwoTowerOptions.HistoryColumnName), itemCount);
        int tokens = options.TokenColumnName is { } t ? RequireKeyVector(schema, t, nameof(TwoTowerOptions.TokenColumnName), null) : 0;
        return new TwoTowerSchema
        {
            UserCount = userCount,
            ItemCount = itemCount,
            TokenCount = tokens,
            ExampleAgeSlots = options.ExampleAgeColumnName != null ? 1 : 0,
            CategoricalCounts = options.CategoricalColumnNames.Select(c => RequireCategorical(schema, c, nameof(TwoTowerOptions.CategoricalColumnNames))).ToArray(),
            ContinuousWidths = options.ContinuousColumnNames.Select(c => RequireContinuous(schema, c, nameof(TwoTowerOptions.ContinuousColumnNames))).ToArray(),
            ItemCategoricalCounts = includeItemFeatures
                ? options.ItemCategoricalColumnNames.Select(c => RequireCategorical(schema, c, nameof(TwoTowerOptions.ItemCategoricalColumnNames))).ToArray() : [],
            ItemContinuousWidths = includeItemFeatures
                ? options.ItemContinuousColumnNames.Select(c => RequireContinuous(schema, c, nameof(TwoTowerOptions.ItemContinuousColumnNames))).ToArray() : [],
        };
    }

    /// <summary>Writes the user side (key spaces, categorical counts, continuous widths, example-age slots) for a saved model.</summary>
    public void WriteUserSide(BinaryWriter w)
    {
        w.Write(UserCount);
        w.Write(ItemCount);
        w.Write(TokenCount);
        WriteInts(w, CategoricalCounts);
        WriteInts(w, ContinuousWidths);
        w.Write(ExampleAgeSlots);
    }

    /// <summary>Reads what <see cref="WriteUserSide"/> wrote (no item-side features: a loaded model does not train).</summary>
    public static TwoTowerSchema ReadUserSide(BinaryReader r) => new()
    {
        UserCount = r.ReadInt32(),
        ItemCount = r.ReadInt32(),
        TokenCount = r.ReadInt32(),
        CategoricalCounts = ReadInts(r),
        ContinuousWidths = ReadInts(r),
        ExampleAgeSlots = r.ReadInt32(),
    };

    /// <summary>
    /// A schema with the user-side columns this schema resolved, as the scoring chain reads them: user and item keys,
    /// history and token key vectors, categorical keys, continuous Single columns (a vector when wider than one slot).
    /// </summary>
    public DataViewSchema ToUserSideSchema(TwoTowerOptions options)
    {
        var b = new DataViewSchema.Builder();
        b.AddColumn(options.UserColumnName, new KeyDataViewType(typeof(uint), UserCount));
        b.AddColumn(options.ItemColumnName, new KeyDataViewType(typeof(uint), ItemCount));
        if (options.HistoryColumnName is { } h) b.AddColumn(h, new VectorDataViewType(new KeyDataViewType(typeof(uint), ItemCount)));
        if (options.TokenColumnName is { } t) b.AddColumn(t, new VectorDataViewType(new KeyDataViewType(typeof(uint), TokenCount)));
        for (int f = 0; f < CategoricalCounts.Length; f++)
            b.AddColumn(options.CategoricalColumnNames[f], new KeyDataViewType(typeof(uint), CategoricalCounts[f]));
        for (int f = 0; f < ContinuousWidths.Length; f++)
            b.AddColumn(options.ContinuousColumnNames[f], ContinuousWidths[f] == 1 ? NumberDataViewType.Single
                : new VectorDataViewType(NumberDataViewType.Single, ContinuousWidths[f]));
        return b.ToSchema();
    }

    private static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (int v in values) w.Write(v);
    }

    private static int[] ReadInts(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException($"A two-tower schema list has length {n}.");
        var values = new int[n];
        for (int k = 0; k < n; k++) values[k] = r.ReadInt32();
        return values;
    }

    /// <summary>Throws unless the user-side feature columns of <paramref name="other"/> match the ones trained on.</summary>
    public void RequireSameUserFeatures(TwoTowerSchema other, TwoTowerOptions options)
    {
        if (TokenCount != other.TokenCount)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.TokenColumnName),
                $"The token column '{options.TokenColumnName}' has {other.TokenCount} key values but the model was trained on {TokenCount}; use the same key mapping.");
        for (int f = 0; f < CategoricalCounts.Length; f++)
            if (CategoricalCounts[f] != other.CategoricalCounts[f])
                throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.CategoricalColumnNames),
                    $"The categorical column '{options.CategoricalColumnNames[f]}' has {other.CategoricalCounts[f]} key values but the model was trained on {CategoricalCounts[f]}; use the same key mapping.");
        for (int f = 0; f < ContinuousWidths.Length; f++)
            if (ContinuousWidths[f] != other.ContinuousWidths[f])
                throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.ContinuousColumnNames),
                    $"The continuous column '{options.ContinuousColumnNames[f]}' has {other.ContinuousWidths[f]} slots but the model was trained on {ContinuousWidths[f]}.");
    }

    private static int KeyCount(DataViewSchema.Column column) => (int)((KeyDataViewType)column.Type).Count;

    /// <summary>A vector of UInt32 keys; returns its key count, which must equal <paramref name="expectedCount"/> when given.</summary>
    private static int RequireKeyVector(DataViewSchema schema, string name, string option, int? expectedCount)
    {
        var col = SchemaChecks.RequireColumn(schema, name, option);
        if (col.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || key.RawType != typeof(uint) || key.Count == 0 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(option,
                $"The column '{name}' ({option}) should be a vector of known-cardinality UInt32 keys, but is {col.Type}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") (after tokenizing text).");
        if (expectedCount is { } expected && key.Count != (ulong)expected)
            throw new ArgumentOutOfRangeException(option,
                $"The history column '{name}' holds keys of {key.Count} items but the item column has {expected}; " +
                "history keys must come from the same item key mapping as the item column (e.g. MapValueToKey with the item column's key data).");
        return (int)key.Count;
    }

    private static int RequireCategorical(DataViewSchema schema, string name, string option)
    {
        var col = SchemaChecks.RequireColumn(schema, name, option);
        if (col.Type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count == 0 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(option,
                $"The categorical column '{name}' ({option}) should be a scalar known-cardinality UInt32 key, but is {col.Type}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
        return (int)key.Count;
    }

    private static int RequireContinuous(DataViewSchema schema, string name, string option)
    {
        var col = SchemaChecks.RequireColumn(schema, name, option);
        if (SchemaChecks.IsNumeric(col.Type)) return 1;
        if (col.Type is VectorDataViewType { IsKnownSize: true } v && (v.ItemType == NumberDataViewType.Single || v.ItemType == NumberDataViewType.Double))
            return v.Size;
        throw new ArgumentOutOfRangeException(option,
            $"The continuous column '{name}' ({option}) should be a numeric scalar or a known-size vector of Single or Double, but is {col.Type}.");
    }
}
