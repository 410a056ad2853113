using Microsoft.ML;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// A fitted two-tower model.
/// <list type="bullet">
/// <item><c>Score</c> of a (user, item) row = similarity of the user's embedding and the item's embedding (cosine:
/// both unit length; τ is not applied). A known user's embedding is the user tower applied to the user's ID, training
/// items and last training row's features (see <see cref="UserEmbeddings"/>).</item>
/// <item>Unknown users — key 0, or a user without training rows — score with <see cref="FallbackUserEmbedding"/>, the
/// user tower's output for "no features" (no ID, empty bags, missing categoricals, mean continuous values); unknown
/// items (key 0) score 0.</item>
/// <item>Saving: <c>mlContext.Model.Save</c> stores the two embedding tables as built-in <c>ValueMapping</c> lookups
/// plus the <c>MLNetRec.Dot.v1</c> contract, so a loaded model gives identical scores for the user and item key
/// columns. The saved model does not read feature columns: scoring a NEW user from features (cold start) is a typed-API
/// feature — <see cref="ComputeUserEmbedding"/> and <see cref="ComputeUserEmbeddings"/> — of this object.</item>
/// </list>
/// </summary>
public sealed partial class TwoTowerTransformer : ChainDelegatingTransformer, IEmbeddingModel
{
    private readonly TwoTowerNetwork _network;
    private readonly float[] _continuousMeans;

    private TwoTowerTransformer(ITransformer chain, TwoTowerOptions options, TwoTowerNetwork network, float[] continuousMeans,
        EmbeddingTable users, EmbeddingTable items, float[] fallback)
    {
        ScoringChain = chain;
        Options = options;
        _network = network;
        _continuousMeans = continuousMeans;
        UserEmbeddings = users;
        ItemEmbeddings = items;
        FallbackUserEmbedding = fallback;
    }

    /// <inheritdoc />
    protected override ITransformer ScoringChain { get; }

    internal static TwoTowerTransformer Create(MLContext ml, IDataView schemaSource, TwoTowerOptions options, TwoTowerNetwork network,
        UserFeatureRows profiles, float[] continuousMeans)
    {
        int d = network.Dimension;
        var users = new EmbeddingTable(profiles.Count, d, network.EmbedUsers(profiles));
        var items = new EmbeddingTable(network.Schema.ItemCount, d, network.EmbedAllItems());
        var fallback = network.EmbedUsers(UserProfiles.Fallback(network, continuousMeans));
        var userRows = new float[users.Count + 1][];
        userRows[0] = fallback;
        for (int u = 0; u < users.Count; u++) userRows[u + 1] = users.Row(u).ToArray();
        var itemRows = new float[items.Count + 1][];
        itemRows[0] = new float[d];
        for (int i = 0; i < items.Count; i++) itemRows[i + 1] = items.Row(i).ToArray();
        var chain = DotProductScoring.Build(ml, schemaSource, options.UserColumnName, options.ItemColumnName, userRows, itemRows);
        return new TwoTowerTransformer(chain, options, network, continuousMeans, users, items, fallback);
    }

    /// <summary>The options the model was trained with (a copy; changing it changes nothing).</summary>
    public TwoTowerOptions Options { get; }

    /// <summary>Embedding dimension.</summary>
    public int Dimension => _network.Dimension;

    /// <inheritdoc />
    public string UserColumnName => Options.UserColumnName;
    /// <inheritdoc />
    public string ItemColumnName => Options.ItemColumnName;

    /// <summary>User embeddings <c>[users, Dimension]</c> (unit rows for cosine): row u is the user tower on user u's ID,
    /// training items and the features of its last training row; a user without training rows has the fallback row.</summary>
    public EmbeddingTable UserEmbeddings { get; }

    /// <summary>Item embeddings <c>[items, Dimension]</c> (unit rows for cosine): the item tower on every item.</summary>
    public EmbeddingTable ItemEmbeddings { get; }

    /// <summary>Always null: the ranking score is the similarity alone.</summary>
    public float[]? ItemBiases => null;

    /// <summary>The embedding of an unknown user (<see cref="Dimension"/> values): the user tower with no features.</summary>
    public float[] FallbackUserEmbedding { get; }

    /// <summary>
    /// The user embedding (unit length for cosine) of ANY user-side inputs — a known user with new features, or a new
    /// user from features only (cold start). Rank items with <c>ExactTopK.Search</c> against <see cref="ItemEmbeddings"/>.
    /// Thread-safe (calls are serialized).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its key space or an array has the wrong length (the message names the member).</exception>
    public float[] ComputeUserEmbedding(TwoTowerUserFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = ToRows(features);
        lock (_network) return _network.EmbedUsers(rows); // the towers keep their activations between calls
    }

    /// <summary>
    /// User embeddings <c>[rows, Dimension]</c> of every row of <paramref name="rows"/>, read from the same user-side
    /// columns as training (history, tokens, categorical, continuous). The user column is optional: a row whose user is
    /// missing, absent or has no training rows embeds from its features only; without a history column, known users
    /// pool their training items.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A feature column is missing or differs from training (the message names it).</exception>
    /// <exception cref="InvalidDataException">A continuous value is NaN or infinite.</exception>
    public EmbeddingTable ComputeUserEmbeddings(IDataView rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var schema = TwoTowerSchema.ResolveFeatures(rows.Schema, Options, _network.Schema.UserCount, _network.Schema.ItemCount, includeItemFeatures: false);
        _network.Schema.RequireSameUserFeatures(schema, Options);
        var features = TwoTowerDataReader.ReadUserFeatures(rows, Options, _network.Schema);
        lock (_network) return new EmbeddingTable(features.Count, Dimension, _network.EmbedUsers(features));
    }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        CheckKeyColumn(inputSchema, UserColumnName, "user", UserEmbeddings.Count);
        CheckKeyColumn(inputSchema, ItemColumnName, "item", ItemEmbeddings.Count);
    }

    private UserFeatureRows ToRows(TwoTowerUserFeatures f)
    {
        var s = _network.Schema;
        int user = f.User ?? -1;
        if (f.User is { } u && (uint)u >= (uint)s.UserCount)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.User), u, $"User index {u} is outside [0, {s.UserCount}); pass null for a new user.");
        bool known = _network.IsKnownUser(user);
        int[] history = f.History ?? (known && Options.HasHistory ? _network.TrainingHistory.ItemsOf(user).ToArray() : []);
        CheckIndices(history, s.ItemCount, nameof(TwoTowerUserFeatures.History), "item");
        int[] tokens = f.Tokens ?? [];
        if (tokens.Length > 0 && _network.Tokens == null)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.Tokens), "The model has no token column (TwoTowerOptions.TokenColumnName); pass null.");
        CheckIndices(tokens, s.TokenCount, nameof(TwoTowerUserFeatures.Tokens), "token");
        var cats = f.Categoricals ?? Enumerable.Repeat(-1, s.CategoricalCounts.Length).ToArray();
        if (cats.Length != s.CategoricalCounts.Length)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.Categoricals), cats.Length,
                $"Expected one index per categorical column ({s.CategoricalCounts.Length}: {string.Join(", ", Options.CategoricalColumnNames)}).");
        for (int c = 0; c < cats.Length; c++)
            if (cats[c] < -1 || cats[c] >= s.CategoricalCounts[c])
                throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.Categoricals), cats[c],
                    $"Categoricals[{c}] (column '{Options.CategoricalColumnNames[c]}') must be −1 (missing) or in [0, {s.CategoricalCounts[c]}).");
        var continuous = f.Continuous ?? _continuousMeans;
        if (continuous.Length != s.ContinuousWidth)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.Continuous), continuous.Length,
                $"Expected {s.ContinuousWidth} raw continuous values (the slots of {string.Join(", ", Options.ContinuousColumnNames)}).");
        for (int j = 0; j < continuous.Length; j++)
            if (!float.IsFinite(continuous[j]))
                throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.Continuous), continuous[j], $"Continuous[{j}] must be finite.");
        return new UserFeatureRows
        {
            Count = 1,
            Users = [known ? user : -1],
            History = Options.HasHistory ? Bags.From([history]) : null,
            Tokens = _network.Tokens != null ? Bags.From([tokens]) : null,
            Categoricals = cats.Select(c => new[] { c }).ToArray(),
            Continuous = (float[])continuous.Clone(),
            ContinuousWidth = continuous.Length,
        };
    }

    private static void CheckIndices(int[] indices, int count, string member, string what)
    {
        foreach (int i in indices)
            if ((uint)i >= (uint)count)
                throw new ArgumentOutOfRangeException(member, i, $"{member} holds {what} index {i}, outside [0, {count}) (0-based: key − 1).");
    }
}
