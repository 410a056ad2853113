using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Trains a two-tower (YouTube-DNN style) retrieval model: a user tower (user ID, pooled history, tokens, categorical
/// and continuous user features → MLP) and an item tower (item ID and optional item features) whose outputs are compared
/// by cosine or dot similarity, learned with in-batch, sampled or full softmax. Every training row is a positive.
/// The fitted <see cref="TwoTowerTransformer"/> adds <c>Score</c> and exposes the user and item embeddings.
/// </summary>
public sealed class TwoTowerEstimator : IEstimator<TwoTowerTransformer>
{
    private readonly MLContext _mlContext;
    private readonly TwoTowerOptions _options;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Trainers.TwoTower(...)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the message names it).</exception>
    public TwoTowerEstimator(MLContext mlContext, TwoTowerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        _mlContext = mlContext;
        _options = (options ?? new TwoTowerOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Trains on <paramref name="input"/> (key-typed user and item columns plus the configured feature columns).</summary>
    public TwoTowerTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>
    /// Trains on <paramref name="input"/>; after every epoch reports Recall@<see cref="TwoTowerOptions.ValidationK"/> on
    /// <paramref name="validationData"/> (its user/item key columns, training items excluded) and stops early when
    /// <see cref="TwoTowerOptions.EarlyStoppingPatience"/> is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type (the message names it).</exception>
    /// <exception cref="InvalidDataException">A key is missing (0) in the user or item column, a continuous value is NaN/infinite, or there are no rows.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (NaN or infinite loss, or an epoch loss over 100× the loss before training — possible with dot similarity; cosine similarity bounds the loss); the message names the epoch and says to lower the learning rate.</exception>
    public TwoTowerTransformer Fit(IDataView input, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var schema = TwoTowerSchema.Resolve(input.Schema, o);
        if (o.EarlyStoppingPatience > 0 && validationData == null)
            throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.EarlyStoppingPatience), o.EarlyStoppingPatience,
                "TwoTowerOptions.EarlyStoppingPatience needs validation data: call Fit(train, validationData) or set it to 0.");
        var validation = validationData == null ? null : ReadValidation(validationData, schema);
        var (network, trainer, profiles, means) = Prepare(input, o, schema);
        trainer.Train(validation);
        return TwoTowerTransformer.Create(_mlContext, input, o, network, profiles, means);
    }

    /// <summary>Reads the training rows and builds the untrained network and its trainer (also used by the gradient tests).</summary>
    internal static (TwoTowerNetwork Network, TwoTowerTrainer Trainer, UserFeatureRows Profiles, float[] ContinuousMeans) Prepare(
        IDataView input, TwoTowerOptions o, TwoTowerSchema schema)
    {
        var rows = TwoTowerDataReader.ReadTraining(input, o, schema);
        var interactions = new InteractionData(schema.UserCount, schema.ItemCount, rows.User.Users, rows.Items, new float[rows.Count]);
        var history = UserItemMatrix.FromInteractions(interactions);
        var userScaler = ContinuousScaler.Fit(rows.User.Continuous, rows.User.ContinuousWidth, o.AddContinuousPowers);
        var itemScaler = ContinuousScaler.Fit(rows.ItemFeatures.Continuous, rows.ItemFeatures.ContinuousWidth, addPowers: false);
        var itemTable = ItemFeatureTable.Gather(rows.ItemFeatures, rows.Items, schema.ItemCount);
        var network = new TwoTowerNetwork(o, schema, history, userScaler, itemScaler, itemTable);
        var means = UserProfiles.ContinuousMeans(rows.User);
        var profiles = UserProfiles.Build(rows, network, means);
        return (network, new TwoTowerTrainer(o, network, rows, profiles), profiles, means);
    }

    /// <summary>The input shape plus <c>Score</c>; throws when a configured column is missing or of the wrong kind.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The message names the column and the expected kind.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        ScoreSchema.RequireKey(inputSchema, o.UserColumnName, "user");
        ScoreSchema.RequireKey(inputSchema, o.ItemColumnName, "item");
        if (o.HistoryColumnName is { } h) RequireShape(inputSchema, h, nameof(TwoTowerOptions.HistoryColumnName), keyVector: true);
        if (o.TokenColumnName is { } t) RequireShape(inputSchema, t, nameof(TwoTowerOptions.TokenColumnName), keyVector: true);
        foreach (var c in o.CategoricalColumnNames) ScoreSchema.RequireKey(inputSchema, c, nameof(TwoTowerOptions.CategoricalColumnNames));
        foreach (var c in o.ItemCategoricalColumnNames) ScoreSchema.RequireKey(inputSchema, c, nameof(TwoTowerOptions.ItemCategoricalColumnNames));
        foreach (var c in o.ContinuousColumnNames) RequireShape(inputSchema, c, nameof(TwoTowerOptions.ContinuousColumnNames), keyVector: false);
        foreach (var c in o.ItemContinuousColumnNames) RequireShape(inputSchema, c, nameof(TwoTowerOptions.ItemContinuousColumnNames), keyVector: false);
        return ScoreSchema.AddScore(_mlContext, inputSchema);
    }

    private InteractionData ReadValidation(IDataView validationData, TwoTowerSchema schema)
    {
        var data = InteractionData.FromDataView(validationData, _options.UserColumnName, _options.ItemColumnName, labelColumn: null);
        if (data.UserCount != schema.UserCount || data.ItemCount != schema.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(validationData),
                $"The validation data has {data.UserCount} users × {data.ItemCount} items but the training data {schema.UserCount} × {schema.ItemCount}; use the same key mappings.");
        return data;
    }

    private static void RequireShape(SchemaShape schema, string name, string option, bool keyVector)
    {
        SchemaShape.Column? found = null;
        foreach (var c in schema) if (c.Name == name) found = c;
        if (found is not { } col)
            throw new ArgumentOutOfRangeException(option, $"The column '{name}' ({option}) was not found in the input schema.");
        bool ok = keyVector
            ? col.Kind != SchemaShape.Column.VectorKind.Scalar && col.IsKey
            : !col.IsKey && col.ItemType is NumberDataViewType or BooleanDataViewType
              && (col.Kind == SchemaShape.Column.VectorKind.Scalar || col.Kind == SchemaShape.Column.VectorKind.Vector);
        if (!ok)
            throw new ArgumentOutOfRangeException(option,
                $"The column '{name}' ({option}) should be {(keyVector ? "a vector of keys" : "a numeric scalar or known-size numeric vector")}, " +
                $"but is {col.Kind} {col.ItemType}{(col.IsKey ? " key" : "")}.");
    }
}
