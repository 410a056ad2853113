using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// The ML.NET face of a recommender: rows with a user column of original ids in, the user's top-K items out, so
/// <c>PredictionEngine&lt;TIn, TOut&gt;</c> and <c>mlContext.Model.Save/Load</c> work with no code of this library
/// at load time. Build it with <see cref="TopKRecommendation.ToTransformer{TUser, TItem}"/>.
/// </summary>
/// <remarks>
/// <para>Output columns (names in <see cref="TopKRecommendationColumns"/>): <c>RecommendedItems</c>, a vector of the
/// top-K item ids (the item id type: text for strings) best first; <c>RecommendedScores</c>, a vector of Single
/// scores aligned with it; <c>IsColdStart</c>, a Boolean that is true for users unknown at fit time (they get the
/// cold-start list). A vector is shorter than K when the user has fewer unseen items.</para>
/// <para>The lists are computed once, when the transformer is built, with
/// <see cref="IItemRecommender{TUser, TItem}.RecommendBatch"/> (training items excluded) for every known user plus
/// the cold-start list, and stored as lookup tables behind a chain of built-in transforms
/// (<c>MapValueToKey</c> with the training ids → <c>ConvertType</c> → <c>MapValue</c> ×3). The saved model is
/// therefore a plain ML.NET model; its size is (users + 1) × K entries.</para>
/// </remarks>
public sealed class TopKRecommendationTransformer : ChainDelegatingTransformer
{
    internal TopKRecommendationTransformer(ITransformer chain, string userColumn, DataViewType userType, int k)
    {
        ScoringChain = chain;
        UserColumnName = userColumn;
        UserType = userType;
        K = k;
    }

    /// <summary>The input column holding the original user ids.</summary>
    public string UserColumnName { get; }

    /// <summary>The ML.NET type the user column must have (text for string ids, Int32 for int, …).</summary>
    public DataViewType UserType { get; }

    /// <summary>Items listed per user at most.</summary>
    public int K { get; }

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        var column = inputSchema.GetColumnOrNull(UserColumnName);
        if (column == null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"The input has no user column '{UserColumnName}' (columns: {string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}); name the column of original user ids '{UserColumnName}'.");
        if (!column.Value.Type.Equals(UserType))
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"The user column '{UserColumnName}' is {column.Value.Type} but the model was built for {UserType} user ids; convert the column.");
    }
}

/// <summary>The output column names of <see cref="TopKRecommendationTransformer"/>.</summary>
public static class TopKRecommendationColumns
{
    /// <summary>Default input column of original user ids.</summary>
    public const string User = "User";
    /// <summary>Vector of the top-K item ids, best first.</summary>
    public const string Items = "RecommendedItems";
    /// <summary>Vector of Single scores aligned with <see cref="Items"/>.</summary>
    public const string Scores = "RecommendedScores";
    /// <summary>Boolean: the user was unknown at fit time and got the cold-start list.</summary>
    public const string IsColdStart = "IsColdStart";
}

/// <summary>Builds <see cref="TopKRecommendationTransformer"/>s.</summary>
public static class TopKRecommendation
{
    private const string KeyColumn = "__mlnetrec_topk_key";
    private const string IndexColumn = "__mlnetrec_topk_index";

    /// <summary>
    /// The top-<paramref name="k"/> transformer of <paramref name="recommender"/> reading original ids of type
    /// <typeparamref name="TUser"/> from <paramref name="userColumnName"/> (see the transformer's remarks).
    /// </summary>
    /// <param name="recommender">Any recommender (its lists are computed here).</param>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="k">Items per user (≥ 1).</param>
    /// <param name="userColumnName">Input column of user ids. Default <c>User</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or the id types are not string, int, long, uint or ulong.</exception>
    public static TopKRecommendationTransformer ToTransformer<TUser, TItem>(this IItemRecommender<TUser, TItem> recommender,
        MLContext mlContext, int k, string userColumnName = TopKRecommendationColumns.User)
        where TUser : notnull where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(recommender);
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(userColumnName);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1 (the number of items listed per user).");
        var userType = ColumnType(typeof(TUser));
        ColumnType(typeof(TItem));

        var users = recommender.Users.Ids;
        var lists = recommender.RecommendBatch(users, k);
        var cold = recommender.ColdStartItems(k);
        var itemTable = new List<KeyValuePair<uint, TItem[]>>(users.Count + 1) { new(0, cold.Select(s => s.Item).ToArray()) };
        var scoreTable = new List<KeyValuePair<uint, float[]>>(users.Count + 1) { new(0, cold.Select(s => s.Score).ToArray()) };
        var coldTable = new List<KeyValuePair<uint, bool>>(users.Count + 1) { new(0, true) };
        for (int u = 0; u < users.Count; u++)
        {
            itemTable.Add(new((uint)(u + 1), lists[u].Items.Select(s => s.Item).ToArray()));
            scoreTable.Add(new((uint)(u + 1), lists[u].Items.Select(s => s.Score).ToArray()));
            coldTable.Add(new((uint)(u + 1), false));
        }

        var inputSchema = SchemaDefinition.Create(typeof(IdRow<TUser>));
        inputSchema[nameof(IdRow<TUser>.Id)].ColumnName = userColumnName;
        // Key k + 1 is user index k: the key data lists the training ids in index order (keys by occurrence).
        var keyData = mlContext.Data.LoadFromEnumerable(users.Select(u => new IdRow<TUser> { Id = u }).ToArray(), inputSchema);
        var schemaSource = mlContext.Data.LoadFromEnumerable(Array.Empty<IdRow<TUser>>(), inputSchema);

        var chain = mlContext.Transforms.Conversion.MapValueToKey(KeyColumn, userColumnName, keyData: keyData)
            .Append(mlContext.Transforms.Conversion.ConvertType(IndexColumn, KeyColumn, DataKind.UInt32))
            .Append(mlContext.Transforms.Conversion.MapValue(TopKRecommendationColumns.Items, itemTable, IndexColumn))
            .Append(mlContext.Transforms.Conversion.MapValue(TopKRecommendationColumns.Scores, scoreTable, IndexColumn))
            .Append(mlContext.Transforms.Conversion.MapValue(TopKRecommendationColumns.IsColdStart, coldTable, IndexColumn))
            .Append(mlContext.Transforms.DropColumns(KeyColumn, IndexColumn))
            .Fit(schemaSource);
        return new TopKRecommendationTransformer(chain, userColumnName, userType, k);
    }

    private static DataViewType ColumnType(Type type) =>
        type == typeof(string) ? TextDataViewType.Instance
        : type == typeof(int) ? NumberDataViewType.Int32
        : type == typeof(long) ? NumberDataViewType.Int64
        : type == typeof(uint) ? NumberDataViewType.UInt32
        : type == typeof(ulong) ? NumberDataViewType.UInt64
        : throw new ArgumentOutOfRangeException(nameof(type), $"Ids of type {type.Name} are not supported by the top-K transformer; use string, int, long, uint or ulong.");

    private sealed class IdRow<T>
    {
        public T Id { get; set; } = default!;
    }
}
