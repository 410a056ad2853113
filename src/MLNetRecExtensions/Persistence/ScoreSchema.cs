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

    /// <summary>
    /// Checks the key-typed user and item columns (and the label, when given, as a numeric scalar), then returns the
    /// input shape plus <c>Score</c>: the <c>GetOutputSchema</c> of every (user, item) scoring estimator.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public static SchemaShape AddScore(MLContext mlContext, SchemaShape inputSchema, string userColumn, string itemColumn, string? labelColumn = null)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        RequireKey(inputSchema, userColumn, "user");
        RequireKey(inputSchema, itemColumn, "item");
        if (labelColumn != null) RequireNumeric(inputSchema, labelColumn, "label");
        return AddScore(mlContext, inputSchema);
    }

    /// <summary>Throws unless <paramref name="name"/> is a scalar UInt32 key column of <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a scalar UInt32 key.</exception>
    public static void RequireKey(SchemaShape inputSchema, string name, string role)
    {
        var col = Require(inputSchema, name, role);
        if (!col.IsKey || col.Kind != SchemaShape.Column.VectorKind.Scalar || col.ItemType.RawType != typeof(uint))
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a known-cardinality UInt32 key, but is {Describe(col)}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
    }

    /// <summary>Throws unless <paramref name="name"/> is a scalar numeric (or Boolean) column of <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a numeric scalar.</exception>
    public static void RequireNumeric(SchemaShape inputSchema, string name, string role)
    {
        var col = Require(inputSchema, name, role);
        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || col.IsKey || col.ItemType is not (NumberDataViewType or BooleanDataViewType))
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a numeric scalar (Single, Double, an integer type or Boolean), but is {Describe(col)}.");
    }

    private static SchemaShape.Column Require(SchemaShape schema, string name, string role)
    {
        foreach (var c in schema)
            if (c.Name == name) return c;
        throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found in the input schema.");
    }

    private static string Describe(SchemaShape.Column col) =>
        $"{(col.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : col.Kind + " of ")}{(col.IsKey ? "Key<" + col.ItemType + ">" : col.ItemType.ToString())}";
}
