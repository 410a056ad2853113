using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Persistence;

/// <summary>
/// Schema-shape helpers for estimators. A third-party assembly cannot construct <see cref="SchemaShape.Column"/>,
/// so the output shape is borrowed from a built-in estimator that adds the same column.
/// </summary>
public static class ScoreSchema
{
    private sealed class NoInput { }

    /// <summary>The input shape plus a <c>Single</c> column named <c>Score</c>.</summary>
    public static SchemaShape AddScore(MLContext mlContext, SchemaShape inputSchema) =>
        mlContext.Transforms.CustomMapping<NoInput, ScoreOutput>((_, _) => { }, null).GetOutputSchema(inputSchema);

    private static bool TryFind(SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (var c in schema)
            if (c.Name == name) { column = c; return true; }
        column = default;
        return false;
    }

    /// <summary>Throws unless <paramref name="name"/> is a scalar key column of <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a scalar key.</exception>
    public static void RequireKey(SchemaShape inputSchema, string name, string role)
    {
        if (!TryFind(inputSchema, name, out var col))
            throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found in the input schema.");
        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || !col.IsKey)
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a scalar key column, but is {col.Kind} {col.ItemType}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
    }

    /// <summary>Throws unless <paramref name="name"/> is a scalar numeric column of <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a numeric scalar.</exception>
    public static void RequireNumeric(SchemaShape inputSchema, string name, string role)
    {
        if (!TryFind(inputSchema, name, out var col))
            throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found in the input schema.");
        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || col.IsKey || col.ItemType is not (NumberDataViewType or BooleanDataViewType))
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a numeric scalar, but is {col.Kind} {col.ItemType}{(col.IsKey ? " key" : "")}.");
    }
}
