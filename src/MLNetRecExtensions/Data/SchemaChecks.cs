using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>
/// Column checks shared by every component. Each failure names the column, the role it plays, the expected type
/// and the actual one, and says what to do about it.
/// </summary>
public static class SchemaChecks
{
    /// <summary>Returns the column, or throws when it is missing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    public static DataViewSchema.Column RequireColumn(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (string.IsNullOrEmpty(name)) throw new ArgumentOutOfRangeException(role, $"The {role} column name is empty.");
        var col = schema.GetColumnOrNull(name);
        if (col == null)
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        return col.Value;
    }

    /// <summary>Returns the column when it is a scalar <c>UInt32</c> key of known cardinality; throws otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a known-cardinality U4 key.</exception>
    public static DataViewSchema.Column RequireKeyColumn(DataViewSchema schema, string name, string role)
    {
        var col = RequireColumn(schema, name, role);
        if (col.Type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count == 0 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a known-cardinality UInt32 key, but is {col.Type}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
        return col;
    }

    /// <summary>Returns the column when it is a scalar numeric column (Single, Double, integer types or Boolean).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not numeric.</exception>
    public static DataViewSchema.Column RequireNumericColumn(DataViewSchema schema, string name, string role)
    {
        var col = RequireColumn(schema, name, role);
        if (!IsNumeric(col.Type))
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a numeric scalar (Single, Double, an integer type or Boolean), but is {col.Type}.");
        return col;
    }

    /// <summary>True for scalar Single, Double, integer and Boolean types (not keys).</summary>
    public static bool IsNumeric(DataViewType type) =>
        type is NumberDataViewType || type is BooleanDataViewType;

    /// <summary>A getter that reads a numeric scalar column as <c>double</c>.</summary>
    public static Func<double> NumericGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (raw == typeof(float)) { var g = row.GetGetter<float>(column); float v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(double)) { var g = row.GetGetter<double>(column); double v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(int)) { var g = row.GetGetter<int>(column); int v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(long)) { var g = row.GetGetter<long>(column); long v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(uint)) { var g = row.GetGetter<uint>(column); uint v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(ulong)) { var g = row.GetGetter<ulong>(column); ulong v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(short)) { var g = row.GetGetter<short>(column); short v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(ushort)) { var g = row.GetGetter<ushort>(column); ushort v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(byte)) { var g = row.GetGetter<byte>(column); byte v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(sbyte)) { var g = row.GetGetter<sbyte>(column); sbyte v = 0; return () => { g(ref v); return v; }; }
        if (raw == typeof(bool)) { var g = row.GetGetter<bool>(column); bool v = false; return () => { g(ref v); return v ? 1 : 0; }; }
        throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' of type {column.Type} is not numeric.");
    }

    /// <summary>The key-value annotation of a key column as strings, or null when it has none.</summary>
    public static string[]? TryGetKeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { } kv) return null;
        if (kv.Type is not VectorDataViewType { ItemType: TextDataViewType }) return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        var dense = values.DenseValues().Select(v => v.ToString()).ToArray();
        return dense.Length == (int)((KeyDataViewType)column.Type).Count ? dense : null;
    }
}
