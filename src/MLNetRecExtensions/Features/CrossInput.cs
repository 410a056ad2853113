using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Features;

/// <summary>How an input column's values become the category text that is hashed.</summary>
internal enum CategorySource
{
    /// <summary>Text, used as is; empty text is missing.</summary>
    Text,
    /// <summary>A number or Boolean, converted to its invariant-culture text (1.5 → "1.5", NaN → "NaN", true → "True").</summary>
    Number,
    /// <summary>A key with text KeyValues: the value text (key 0 → empty → missing).</summary>
    KeyTextValues,
    /// <summary>A key with numeric KeyValues: the value's invariant text.</summary>
    KeyNumericValues,
    /// <summary>A key without KeyValues: the key number (through a seeded 31-bit hash; key 0 → missing).</summary>
    KeyNumber,
}

/// <summary>One crossed column: its name, whether it is vector-valued and how it becomes text.</summary>
internal readonly record struct CrossInput(string Name, bool IsVector, CategorySource Source)
{
    private const string KeyValuesKind = "KeyValues";

    /// <summary>Classifies a column of a real schema.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of an unsupported type.</exception>
    public static CrossInput From(DataViewSchema schema, string name, string crossName)
    {
        var col = schema.GetColumnOrNull(name)
            ?? throw Missing(name, crossName, schema.Where(c => !c.IsHidden).Select(c => c.Name));
        bool isVector = col.Type is VectorDataViewType;
        var item = ItemType(col.Type);
        DataViewType? keyValuesItem = null;
        if (item is KeyDataViewType && col.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is { } kv)
            keyValuesItem = ItemType(kv.Type);
        return new CrossInput(name, isVector, Classify(name, crossName, isVector, item, item is KeyDataViewType, keyValuesItem, col.Type.ToString() ?? ""));
    }

    /// <summary>Classifies a column of a schema shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of an unsupported type.</exception>
    public static CrossInput From(SchemaShape shape, string name, string crossName)
    {
        if (!TryFind(shape, name, out var col))
            throw Missing(name, crossName, shape.Select(c => c.Name));
        bool isVector = col.Kind != SchemaShape.Column.VectorKind.Scalar;
        DataViewType? keyValuesItem = null;
        if (col.IsKey && TryFind(col.Annotations, KeyValuesKind, out var kv))
            keyValuesItem = kv.ItemType;
        var typeText = $"{(isVector ? "Vector<" : "")}{(col.IsKey ? "Key<" + col.ItemType + ">" : col.ItemType.ToString())}{(isVector ? ">" : "")}";
        return new CrossInput(name, isVector, Classify(name, crossName, isVector, col.ItemType, col.IsKey, keyValuesItem, typeText));
    }

    private static CategorySource Classify(string name, string crossName, bool isVector, DataViewType item, bool isKey,
        DataViewType? keyValuesItem, string typeText)
    {
        if (isKey)
        {
            if (keyValuesItem is TextDataViewType) return CategorySource.KeyTextValues;
            if (keyValuesItem != null && IsNumber(keyValuesItem)) return CategorySource.KeyNumericValues;
            if (keyValuesItem == null && !isVector) return CategorySource.KeyNumber;
            throw Unsupported(name, crossName, typeText, keyValuesItem == null
                ? "A vector of keys needs a KeyValues annotation; map it with mlContext.Transforms.Conversion.MapValueToKey."
                : $"Its KeyValues are {keyValuesItem}; only text or numeric key values can be crossed.");
        }
        if (item is TextDataViewType) return CategorySource.Text;
        if (IsNumber(item)) return CategorySource.Number;
        throw Unsupported(name, crossName, typeText, "Convert it to text, a number or a key first.");
    }

    private static DataViewType ItemType(DataViewType type) => type is VectorDataViewType v ? v.ItemType : type;

    private static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
            if (c.Name == name) { column = c; return true; }
        column = default;
        return false;
    }

    private static bool IsNumber(DataViewType type) => type is NumberDataViewType or BooleanDataViewType;

    private static ArgumentOutOfRangeException Missing(string name, string crossName, IEnumerable<string> available) =>
        new(nameof(CrossColumn.InputColumnNames),
            $"The input column '{name}' of cross '{crossName}' was not found. Available columns: {string.Join(", ", available)}.");

    private static ArgumentOutOfRangeException Unsupported(string name, string crossName, string typeText, string advice) =>
        new(nameof(CrossColumn.InputColumnNames),
            $"The input column '{name}' of cross '{crossName}' has type {typeText}; a cross takes scalars or vectors of " +
            $"text, numbers, Booleans or keys. {advice}");
}
