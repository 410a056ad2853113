using System.Reflection;
using Microsoft.ML;

namespace MLNetRecExtensions.Tests;

/// <summary>Test helper: ML.NET's <c>SchemaShape.Create(DataViewSchema)</c> is internal; tests reach it by reflection
/// to check estimators' GetOutputSchema against real output schemas, as ML.NET's own TestEstimatorCore does.</summary>
internal static class Shapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) not found.");

    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;
}
