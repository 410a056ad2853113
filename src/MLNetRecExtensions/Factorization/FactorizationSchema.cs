using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// <c>GetOutputSchema(SchemaShape)</c> of the factorization estimators: checks the user/item key columns and the
/// label, and returns the input shape plus <c>Score</c> (Single). <c>SchemaShape.Column</c> cannot be constructed
/// outside ML.NET, so the shape is borrowed from a built-in <c>CustomMapping</c> that adds the same column.
/// </summary>
internal static class FactorizationSchema
{
    public static SchemaShape GetOutputSchema(MLContext mlContext, SchemaShape inputSchema, string userColumn, string itemColumn, string? labelColumn)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        RequireKey(inputSchema, userColumn, "user");
        RequireKey(inputSchema, itemColumn, "item");
        if (labelColumn != null)
        {
            if (!TryFind(inputSchema, labelColumn, out var label))
                throw new ArgumentOutOfRangeException("label", $"The label column '{labelColumn}' was not found.");
            if (label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType is not (NumberDataViewType or BooleanDataViewType))
                throw new ArgumentOutOfRangeException("label", $"The label column '{labelColumn}' should be a numeric scalar (Single, Double, an integer type or Boolean), but is {Describe(label)}.");
        }
        return mlContext.Transforms.CustomMapping<NoInput, Persistence.ScoreOutput>((_, _) => { }, null).GetOutputSchema(inputSchema);
    }

    private static void RequireKey(SchemaShape schema, string name, string role)
    {
        if (!TryFind(schema, name, out var col))
            throw new ArgumentOutOfRangeException(role, $"The {role} column '{name}' was not found.");
        if (!col.IsKey || col.Kind != SchemaShape.Column.VectorKind.Scalar || col.ItemType.RawType != typeof(uint))
            throw new ArgumentOutOfRangeException(role,
                $"The {role} column '{name}' should be a known-cardinality UInt32 key, but is {Describe(col)}. " +
                $"Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").");
    }

    private static bool TryFind(SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (var c in schema)
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        column = default;
        return false;
    }

    private static string Describe(SchemaShape.Column col) =>
        $"{(col.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : col.Kind + " of ")}{(col.IsKey ? "Key<" + col.ItemType + ">" : col.ItemType.ToString())}";

    /// <summary>The empty input of the borrowed mapping.</summary>
    internal sealed class NoInput
    {
    }
}
