using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// A fitted two-tower model.
/// <list type="bullet">
/// <item><c>Score</c> of a (user, item) row = similarity of the user's embedding and the item's embedding (cosine:
/// both unit length; τ is not applied). A known user's embedding is the user tower applied to the user's ID, training
/// items and last training row's features (see <see cref="UserEmbeddings"/>).</item>
/// <item><see cref="FallbackUserEmbedding"/> is the user tower's output for "no features" (no ID, empty bags, missing
/// categoricals, mean continuous values), the row of <see cref="UserEmbeddings"/> of users without training rows;
/// unknown items (key 0) score 0.</item>
/// <item>Rows of users the model does not know (key 0, or no training rows) are scored from the row's own user-side
/// columns — history, tokens, categorical and continuous columns, the same as training — by the user tower, exactly
/// as <see cref="ComputeUserEmbedding"/> embeds a new user (cold start); so scored data must carry those columns.</item>
/// <item>Saving: <c>mlContext.Model.Save</c> stores a chain of built-in transforms whose parameters (the user tower,
/// the trained user and item embeddings) travel as a <c>ValueMapping</c> text value read by the versioned contract
/// <c>MLNetRec.TwoTowerScore.v1</c> (see <see cref="TwoTowerScoreMappingFactory"/>). The typed model scores through
/// the same chain and embeds new users with the same single-row scorer, so a model reloaded with
/// <c>mlContext.Model.Load</c> — in a fresh process too — scores known and new users bit-identically.</item>
/// </list>
/// </summary>
public sealed partial class TwoTowerTransformer : ChainDelegatingTransformer, IEmbeddingModel
{
    // The training network (for Update); null for a model loaded with Load, which keeps only what scoring needs.
    private readonly TwoTowerNetwork? _network;
    private readonly TwoTowerSchema _schema;
    private readonly UserItemMatrix _trainingHistory;
    private readonly UserTowerScorer _scorer;
    private readonly float[] _continuousMeans;

    private TwoTowerTransformer(ITransformer chain, TwoTowerOptions options, TwoTowerNetwork? network, TwoTowerSchema schema,
        UserItemMatrix trainingHistory, UserTowerScorer scorer, float[] continuousMeans, EmbeddingTable users, EmbeddingTable items, float[] fallback)
    {
        ScoringChain = chain;
        Options = options;
        _network = network;
        _schema = schema;
        _trainingHistory = trainingHistory;
        _scorer = scorer;
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
        var userValues = new float[profiles.Count * d];
        var items = new EmbeddingTable(network.Schema.ItemCount, d, network.EmbedAllItems());
        var scorer = UserTowerScorer.From(network, userValues, items.Values.ToArray());
        // Known users' rows come from the same single-row scorer as ComputeUserEmbedding, so the two agree bit for bit.
        EmbedRows(scorer, network.TrainingHistory, options, profiles, userValues);
        var fallback = Fallback(scorer, network.Schema, continuousMeans);
        for (int u = 0; u < profiles.Count; u++)
            if (!network.IsKnownUser(u)) fallback.CopyTo(userValues.AsSpan(u * d, d));
        var users = new EmbeddingTable(profiles.Count, d, userValues);
        var chain = TwoTowerScoring.Build(ml, schemaSource, options, scorer);
        return new TwoTowerTransformer(chain, options, network, network.Schema, network.TrainingHistory, scorer, continuousMeans, users, items, fallback);
    }

    // The user tower with no features: no ID, empty bags, missing categoricals, mean continuous values.
    private static float[] Fallback(UserTowerScorer scorer, TwoTowerSchema schema, float[] continuousMeans)
    {
        var fallback = new float[scorer.Dimension];
        scorer.Embed(-1, [], [], Enumerable.Repeat(-1, schema.CategoricalCounts.Length).ToArray(),
            continuousMeans.AsSpan(0, schema.ContinuousWidth), fallback);
        return fallback;
    }

    /// <summary>The options the model was trained with (a copy; changing it changes nothing).</summary>
    public TwoTowerOptions Options { get; }

    /// <summary>Embedding dimension.</summary>
    public int Dimension => _scorer.Dimension;

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

    /// <summary>The user tower as a single-row scorer (for the serving bundle, which embeds new users without this type).</summary>
    internal UserTowerScorer Scorer => _scorer;

    /// <summary>The raw continuous values a new user without them gets: the training mean of each slot.</summary>
    internal float[] NewUserContinuous => _continuousMeans[.._schema.ContinuousWidth];

    /// <summary>The embedding of an unknown user (<see cref="Dimension"/> values): the user tower with no features.</summary>
    public float[] FallbackUserEmbedding { get; }

    /// <summary>
    /// The user embedding (unit length for cosine) of ANY user-side inputs — a known user with new features, or a new
    /// user from features only (cold start). Rank items with <c>ExactTopK.Search</c> against <see cref="ItemEmbeddings"/>.
    /// Thread-safe. Bit-identical to the score a saved model gives a new user's row with the same inputs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its key space or an array has the wrong length (the message names the member).</exception>
    public float[] ComputeUserEmbedding(TwoTowerUserFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = ToRows(features);
        var embedding = new float[Dimension];
        _scorer.Embed(rows.Users[0], rows.History != null ? rows.History.Of(0) : [], rows.Tokens != null ? rows.Tokens.Of(0) : [],
            rows.Categoricals.Select(c => c[0]).ToArray(),
            rows.ContinuousOf(0), embedding);
        return embedding;
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
        var schema = TwoTowerSchema.ResolveFeatures(rows.Schema, Options, _schema.UserCount, _schema.ItemCount, includeItemFeatures: false);
        _schema.RequireSameUserFeatures(schema, Options);
        var features = TwoTowerDataReader.ReadUserFeatures(rows, Options, _schema);
        var values = new float[features.Count * Dimension];
        EmbedRows(_scorer, _trainingHistory, Options, features, values);
        return new EmbeddingTable(features.Count, Dimension, values);
    }

    /// <summary>Embeds every row of <paramref name="rows"/> with the single-row scorer into <paramref name="values"/>
    /// (<c>[rows, d]</c>): known users with their ID (and their training items when there is no history column).</summary>
    private static void EmbedRows(UserTowerScorer scorer, UserItemMatrix trainingHistory, TwoTowerOptions options, UserFeatureRows rows, float[] values)
    {
        int d = scorer.Dimension;
        var cats = new int[rows.Categoricals.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            int u = rows.Users[r];
            bool known = scorer.IsKnown(u);
            var history = rows.History != null ? rows.History.Of(r)
                : known && options.UseTrainingHistory ? trainingHistory.ItemsOf(u) : [];
            for (int f = 0; f < cats.Length; f++) cats[f] = rows.Categoricals[f][r];
            scorer.Embed(known ? u : -1, history, rows.Tokens != null ? rows.Tokens.Of(r) : [], cats, rows.ContinuousOf(r), values.AsSpan(r * d, d));
        }
    }

    /// <summary>
    /// Writes the user tower as an ONNX model (IR 8, opset 17) to <paramref name="stream"/>. Inputs: <c>User</c> int64
    /// <c>[N]</c> (the ML.NET key value; 0 or a user without training rows = new user, no ID), when the tower pools a
    /// history <c>History</c> int64 <c>[N, L]</c> (item key values, 0 = padding; for a known user without a history
    /// column pass its training items), <c>Tokens</c> int64 <c>[N, L]</c> likewise, <c>Categorical</c> int64
    /// <c>[N, columns]</c> (key values, 0 = missing) and <c>Continuous</c> float <c>[N, slots]</c> (raw values of the
    /// continuous columns; the example age is 0 inside the graph). Output: <c>UserEmbedding</c> float <c>[N, Dimension]</c>,
    /// equal within float rounding to <see cref="ComputeUserEmbeddings"/>. Keys must lie within the trained key counts.
    /// </summary>
    /// <exception cref="NotSupportedException">The model uses <see cref="TwoTowerOptions.ContinuousBuckets"/>.</exception>
    public void ExportUserTowerToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(TwoTowerOnnxExport.UserTower(_scorer));
    }

    /// <summary>
    /// Writes the item side as an ONNX model to <paramref name="stream"/>: input <c>Item</c> int64 <c>[N]</c> (key value,
    /// 0 = unknown item), output <c>ItemEmbedding</c> float <c>[N, Dimension]</c>, the rows of <see cref="ItemEmbeddings"/>
    /// (zero for key 0). A score is the row-wise dot product of the two towers' outputs.
    /// </summary>
    public void ExportItemTowerToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(TwoTowerOnnxExport.ItemEmbeddings(_scorer));
    }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        CheckKeyColumn(inputSchema, UserColumnName, "user", UserEmbeddings.Count);
        CheckKeyColumn(inputSchema, ItemColumnName, "item", ItemEmbeddings.Count);
    }

    private UserFeatureRows ToRows(TwoTowerUserFeatures f)
    {
        var s = _schema;
        int user = f.User ?? -1;
        if (f.User is { } u && (uint)u >= (uint)s.UserCount)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerUserFeatures.User), u, $"User index {u} is outside [0, {s.UserCount}); pass null for a new user.");
        bool known = _scorer.IsKnown(user);
        int[] history = f.History ?? (known && Options.HasHistory ? _trainingHistory.ItemsOf(user).ToArray() : []);
        CheckIndices(history, s.ItemCount, nameof(TwoTowerUserFeatures.History), "item");
        int[] tokens = f.Tokens ?? [];
        if (tokens.Length > 0 && _scorer.TokenTable == null)
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
        var continuous = f.Continuous ?? _continuousMeans[..s.ContinuousWidth];
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
            Tokens = _scorer.TokenTable != null ? Bags.From([tokens]) : null,
            Categoricals = cats.Select(c => new[] { c }).ToArray(),
            Continuous = [.. continuous, .. new float[s.ExampleAgeSlots]], // example age 0 at serving
            ContinuousWidth = s.UserContinuousWidth,
        };
    }

    private static void CheckIndices(int[] indices, int count, string member, string what)
    {
        foreach (int i in indices)
            if ((uint)i >= (uint)count)
                throw new ArgumentOutOfRangeException(member, i, $"{member} holds {what} index {i}, outside [0, {count}) (0-based: key − 1).");
    }
}
