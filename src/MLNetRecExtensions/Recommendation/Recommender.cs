using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Builds the <see cref="IItemRecommender{TUser, TItem}"/> of a fitted model: the id mappings and the training
/// interactions are captured here, from the model's own training data.
/// </summary>
/// <remarks>
/// A transformer that is (or whose chain contains) an <see cref="Retrieval.IEmbeddingModel"/> gets an
/// <see cref="EmbeddingRecommender{TUser, TItem}"/> (fast top-K over the item embeddings, similar items); any other
/// transformer gets a <see cref="ScoringRecommender{TUser, TItem}"/> that scores (user, item) rows through it.
/// </remarks>
public static class Recommender
{
    /// <summary>
    /// The recommender of <paramref name="model"/>, fitted on <paramref name="trainingData"/>. The training data is
    /// read either as it is (when it already has the model's key-typed user and item columns) or through
    /// <c>model.Transform</c> (a chain starting with <c>MapValueToKey</c>); the ids come from the key columns'
    /// <c>KeyValues</c> (see <see cref="IdMapping.FromKeyColumn{TId}"/>).
    /// </summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="model">The fitted transformer.</param>
    /// <param name="trainingData">The data it was fitted on (or data with the same key mapping and interactions).</param>
    /// <param name="userColumnName">User key column, when the model has no embeddings to say it; default <c>UserId</c>.</param>
    /// <param name="itemColumnName">Item key column, likewise; default <c>ItemId</c>.</param>
    /// <param name="options">Index and batch options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A key column is missing or its ids are not <typeparamref name="TUser"/>/<typeparamref name="TItem"/>.</exception>
    public static IItemRecommender<TUser, TItem> Create<TUser, TItem>(MLContext mlContext, ITransformer model, IDataView trainingData,
        string userColumnName = InteractionColumns.User, string itemColumnName = InteractionColumns.Item, RecommenderOptions? options = null)
        where TUser : notnull where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainingData);
        var embedding = RecommenderComparison.FindEmbeddingModel(model);
        string userColumn = embedding?.UserColumnName ?? userColumnName;
        string itemColumn = embedding?.ItemColumnName ?? itemColumnName;
        bool keyed = trainingData.Schema.GetColumnOrNull(userColumn) is { Type: KeyDataViewType }
            && trainingData.Schema.GetColumnOrNull(itemColumn) is { Type: KeyDataViewType };
        var view = keyed ? trainingData : model.Transform(trainingData);
        var train = InteractionData.FromDataView(view, userColumn, itemColumn, labelColumn: null);
        var users = IdMapping.FromKeyColumn<TUser>(SchemaChecks.RequireKeyColumn(view.Schema, userColumn, "user"));
        var items = IdMapping.FromKeyColumn<TItem>(SchemaChecks.RequireKeyColumn(view.Schema, itemColumn, "item"));
        return Build(mlContext, model, embedding, users, items, UserItemMatrix.FromInteractions(train), options);
    }

    /// <summary>
    /// The recommender of <paramref name="model"/>, fitted on <paramref name="train"/> (in memory, with its original
    /// ids in <see cref="InteractionData.UserIds"/> / <see cref="InteractionData.ItemIds"/>, as the loaders give them),
    /// ids as <typeparamref name="TUser"/>/<typeparamref name="TItem"/> (see <see cref="IdMapping.FromStrings{TId}"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The data has no original ids, or they do not parse as the id types.</exception>
    public static IItemRecommender<TUser, TItem> Create<TUser, TItem>(MLContext mlContext, ITransformer model, InteractionData train,
        RecommenderOptions? options = null) where TUser : notnull where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        var (users, items) = Mappings<TUser, TItem>(train);
        return Build(mlContext, model, RecommenderComparison.FindEmbeddingModel(model), users, items, UserItemMatrix.FromInteractions(train), options);
    }

    /// <summary><see cref="Create{TUser, TItem}(MLContext, ITransformer, InteractionData, RecommenderOptions?)"/> with string ids.</summary>
    public static IItemRecommender<string, string> Create(MLContext mlContext, ITransformer model, InteractionData train,
        RecommenderOptions? options = null) => Create<string, string>(mlContext, model, train, options);

    /// <summary>
    /// The recommender of a fitted two-stage model; <paramref name="train"/> is the data it was fitted on and gives
    /// the original ids (see <see cref="ScoringRecommender{TUser, TItem}"/> for what two-stage returns).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The data has no original ids, they do not parse, or they do not fit the model's key space.</exception>
    public static IItemRecommender<TUser, TItem> Create<TUser, TItem>(TwoStageModel model, InteractionData train)
        where TUser : notnull where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(model);
        var (users, items) = Mappings<TUser, TItem>(train);
        return new ScoringRecommender<TUser, TItem>(model, users, items);
    }

    /// <summary>The id mappings of in-memory interactions.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The data has no original ids, or they do not parse.</exception>
    public static (IdMapping<TUser> Users, IdMapping<TItem> Items) Mappings<TUser, TItem>(InteractionData train)
        where TUser : notnull where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.UserIds == null || train.ItemIds == null)
            throw new ArgumentOutOfRangeException(nameof(train),
                "The interactions carry no original user/item ids (InteractionData.UserIds/ItemIds are null); load them with InteractionLoaders or pass the ids to the InteractionData constructor.");
        return (IdMapping.FromStrings<TUser>(train.UserIds, "user ids"), IdMapping.FromStrings<TItem>(train.ItemIds, "item ids"));
    }

    private static IItemRecommender<TUser, TItem> Build<TUser, TItem>(MLContext mlContext, ITransformer model, Retrieval.IEmbeddingModel? embedding,
        IdMapping<TUser> users, IdMapping<TItem> items, UserItemMatrix seen, RecommenderOptions? options)
        where TUser : notnull where TItem : notnull =>
        embedding != null
            ? new EmbeddingRecommender<TUser, TItem>(embedding, users, items, seen, options)
            : new ScoringRecommender<TUser, TItem>(mlContext, model, users, items, seen, options);
}
