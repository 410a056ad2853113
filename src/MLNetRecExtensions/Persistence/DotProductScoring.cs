using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetRecExtensions.Persistence;

/// <summary>
/// Builds the portable scoring chain of a lookup model: the user and item key columns are mapped through two
/// <c>ValueMapping</c> tables to vectors, and the versioned <c>CustomMapping</c> contract
/// <see cref="DotProductMappingFactory.ContractName"/> writes their dot product to <c>Score</c>. The chain is made of
/// built-in transforms only, so <c>mlContext.Model.Save/Load</c> round-trips it bit for bit, and a transformer that
/// delegates to it scores identically before and after saving.
/// </summary>
/// <remarks>
/// Tables hold one row per key including key 0 (the missing key, e.g. a user unknown to <c>MapValueToKey</c>), so
/// the caller chooses the fallback of unknown users/items by the row it stores there. Every row of a table must
/// have the same length, and user rows the length of item rows.
/// </remarks>
public static class DotProductScoring
{
    internal const string UserIdColumn = "__mlnetrec_uid";
    internal const string ItemIdColumn = "__mlnetrec_iid";
    internal const string UserVectorColumn = "__mlnetrec_u";
    internal const string ItemVectorColumn = "__mlnetrec_i";

    /// <summary>
    /// Fits the chain against <paramref name="inputSchemaSource"/> (only its schema is read).
    /// </summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="inputSchemaSource">Any data with the key-typed user and item columns.</param>
    /// <param name="userColumn">User key column.</param>
    /// <param name="itemColumn">Item key column.</param>
    /// <param name="userRows">Row <c>k</c> is the vector of user key <c>k</c> (row 0: unknown user).</param>
    /// <param name="itemRows">Row <c>k</c> is the vector of item key <c>k</c> (row 0: unknown item).</param>
    /// <returns>A transformer that adds a <c>Single</c> column <c>Score</c>.</returns>
    public static ITransformer Build(MLContext mlContext, IDataView inputSchemaSource, string userColumn, string itemColumn,
        IReadOnlyList<float[]> userRows, IReadOnlyList<float[]> itemRows)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(inputSchemaSource);
        int dim = itemRows[0].Length;
        if (userRows.Any(r => r.Length != dim) || itemRows.Any(r => r.Length != dim))
            throw new ArgumentException($"Every user and item row must have length {dim}.");
        var chain = mlContext.Transforms.Conversion.ConvertType(new[]
            {
                new InputOutputColumnPair(UserIdColumn, userColumn),
                new InputOutputColumnPair(ItemIdColumn, itemColumn),
            }, DataKind.UInt32)
            .Append(mlContext.Transforms.Conversion.MapValue(UserVectorColumn, Table(userRows), UserIdColumn))
            .Append(mlContext.Transforms.Conversion.MapValue(ItemVectorColumn, Table(itemRows), ItemIdColumn))
            .Append(mlContext.Transforms.CustomMapping<DotProductMappingFactory.Input, ScoreOutput>(
                DotProductMappingFactory.Map, DotProductMappingFactory.ContractName))
            .Append(mlContext.Transforms.DropColumns(UserIdColumn, ItemIdColumn, UserVectorColumn, ItemVectorColumn));
        return chain.Fit(inputSchemaSource);
    }

    private static IEnumerable<KeyValuePair<uint, float[]>> Table(IReadOnlyList<float[]> rows)
    {
        for (int k = 0; k < rows.Count; k++) yield return new KeyValuePair<uint, float[]>((uint)k, rows[k]);
    }
}

/// <summary>The one output column of every scoring chain.</summary>
public sealed class ScoreOutput
{
    /// <summary>The model's score.</summary>
    public float Score { get; set; }
}

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.Dot.v1</c>: <c>Score = u · v</c> over the two looked-up
/// vectors. Never change its meaning: saved models refer to it by name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class DotProductMappingFactory : CustomMappingFactory<DotProductMappingFactory.Input, ScoreOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.Dot.v1";

    /// <summary>Input of the mapping: the two looked-up vectors.</summary>
    public sealed class Input
    {
        /// <summary>User vector.</summary>
        [ColumnName(DotProductScoring.UserVectorColumn)] public float[] U { get; set; } = [];
        /// <summary>Item vector.</summary>
        [ColumnName(DotProductScoring.ItemVectorColumn)] public float[] V { get; set; } = [];
    }

    /// <summary>Computes the score; vectors of different lengths (a key outside the tables) give NaN.</summary>
    public static void Map(Input input, ScoreOutput output) =>
        output.Score = input.U.Length == input.V.Length
            ? System.Numerics.Tensors.TensorPrimitives.Dot<float>(input.U, input.V)
            : float.NaN;

    /// <inheritdoc />
    public override Action<Input, ScoreOutput> GetMapping() => Map;
}
