using Microsoft.ML;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Baselines;

/// <summary>
/// Fitted popularity model. <c>Score</c> of a (user, item) row is the item's training popularity (0 for an unknown
/// item); as an <see cref="IEmbeddingModel"/> it has dimension 0 and ranks by <see cref="ItemBiases"/> = popularity.
/// </summary>
public sealed class PopularityTransformer : ChainDelegatingTransformer, IEmbeddingModel
{
    internal PopularityTransformer(MLContext mlContext, IDataView schemaSource, string userColumn, string itemColumn,
        int userCount, float[] popularity)
    {
        ScoringChain = BuildChain(mlContext, schemaSource, userColumn, itemColumn, userCount, popularity);
        UserColumnName = userColumn;
        ItemColumnName = itemColumn;
        Popularity = popularity;
        UserEmbeddings = new EmbeddingTable(userCount, 0, []);
        ItemEmbeddings = new EmbeddingTable(popularity.Length, 0, []);
    }

    /// <summary>Distinct training users per item, indexed by item (key − 1).</summary>
    public IReadOnlyList<float> Popularity { get; }

    /// <inheritdoc />
    public string UserColumnName { get; }
    /// <inheritdoc />
    public string ItemColumnName { get; }
    /// <inheritdoc />
    public EmbeddingTable UserEmbeddings { get; }
    /// <inheritdoc />
    public EmbeddingTable ItemEmbeddings { get; }
    /// <inheritdoc />
    public float[]? ItemBiases => (float[])Popularity;

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        CheckKeyColumn(inputSchema, UserColumnName, "user", UserEmbeddings.Count);
        CheckKeyColumn(inputSchema, ItemColumnName, "item", ItemEmbeddings.Count);
    }

    // Score = [1] · [popularity]: every user row is [1], the item row of key k is its popularity (key 0: 0).
    private static ITransformer BuildChain(MLContext ml, IDataView schemaSource, string userColumn, string itemColumn,
        int userCount, float[] popularity)
    {
        var userRows = Enumerable.Range(0, userCount + 1).Select(_ => new[] { 1f }).ToArray();
        var itemRows = new float[popularity.Length + 1][];
        itemRows[0] = [0f];
        for (int i = 0; i < popularity.Length; i++) itemRows[i + 1] = [popularity[i]];
        return DotProductScoring.Build(ml, schemaSource, userColumn, itemColumn, userRows, itemRows);
    }
}
