using Microsoft.ML;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.TwoTower;

/// <summary>Incremental training of a fitted two-tower model on new interactions.</summary>
public sealed partial class TwoTowerTransformer
{
    /// <summary>
    /// Continues training from this model's weights for <paramref name="epochs"/> epochs over <paramref name="newData"/>
    /// only, and returns the updated model (this one is not modified).
    /// </summary>
    /// <param name="mlContext">The context of the new model.</param>
    /// <param name="allData">Every interaction (old and new) with the same columns as training, mapped with the GROWN
    /// key mappings: user and item key spaces at least the model's (existing keys keep their meaning; larger keys are
    /// new users/items and get freshly initialised rows), the other feature columns with the trained key spaces. It
    /// defines the histories, the item features and each user's last-row features of the updated model.</param>
    /// <param name="newData">The new interactions (the rows trained on), with the schema of <paramref name="allData"/>.</param>
    /// <param name="epochs">Passes over <paramref name="newData"/> (&gt; 0). Default 3.</param>
    /// <remarks>
    /// The options (loss, learning rate, batch size, seed …) are the model's; the optimizer state starts afresh; the
    /// continuous-feature scalers and the mean continuous values of the fallback are kept from the original training so
    /// that existing inputs mean what they meant. The result scores, saves and loads like a fitted model.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A key space shrinks, a feature column differs from training, the two
    /// views differ in key spaces, or <paramref name="epochs"/> is not positive.</exception>
    /// <exception cref="InvalidDataException">A key is missing (0), a continuous value is not finite, or a view is empty.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (the message names the epoch), or the model was loaded with
    /// <see cref="Load(MLContext, string)"/> (it has no training state; update the fitted model or refit).</exception>
    public TwoTowerTransformer Update(MLContext mlContext, IDataView allData, IDataView newData, int epochs = 3)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(allData);
        ArgumentNullException.ThrowIfNull(newData);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        var old = _network ?? throw new InvalidOperationException(
            "This two-tower model was loaded with TwoTowerTransformer.Load, which restores what scoring and fold-in need (the user tower and the " +
            "embeddings) but not the training state (item tower, optimizer layout) that Update continues from; update the fitted model, or refit.");
        var o = Options.Clone();
        o.NumberOfEpochs = epochs;
        o.EarlyStoppingPatience = 0;
        o.Progress = Options.Progress;
        var schema = TwoTowerSchema.Resolve(allData.Schema, o);
        if (schema.UserCount < old.Schema.UserCount || schema.ItemCount < old.Schema.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(allData),
                $"The data has key spaces of {schema.UserCount} users × {schema.ItemCount} items, smaller than the model's {old.Schema.UserCount} × {old.Schema.ItemCount}; key spaces may only grow.");
        old.Schema.RequireSameUserFeatures(schema, o);
        for (int f = 0; f < schema.ItemCategoricalCounts.Length; f++)
            if (schema.ItemCategoricalCounts[f] != old.Schema.ItemCategoricalCounts[f])
                throw new ArgumentOutOfRangeException(nameof(TwoTowerOptions.ItemCategoricalColumnNames),
                    $"The item categorical column '{o.ItemCategoricalColumnNames[f]}' has {schema.ItemCategoricalCounts[f]} key values but the model was trained on {old.Schema.ItemCategoricalCounts[f]}; use the same key mapping.");
        var newSchema = TwoTowerSchema.Resolve(newData.Schema, o);
        if (newSchema.UserCount != schema.UserCount || newSchema.ItemCount != schema.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(newData),
                $"The new data has {newSchema.UserCount} users × {newSchema.ItemCount} items but all data {schema.UserCount} × {schema.ItemCount}; map both with the same grown key mappings.");

        var allRows = TwoTowerDataReader.ReadTraining(allData, o, schema);
        var newRows = TwoTowerDataReader.ReadTraining(newData, o, schema);
        var history = UserItemMatrix.FromInteractions(new InteractionData(schema.UserCount, schema.ItemCount, allRows.User.Users, allRows.Items, new float[allRows.Count]));
        var itemTable = ItemFeatureTable.Gather(allRows.ItemFeatures, allRows.Items, schema.ItemCount);
        var network = new TwoTowerNetwork(o, schema, history, old.UserScaler, old.ItemScaler, itemTable);
        CopyWeights(old, network);
        var profiles = UserProfiles.Build(allRows, network, _continuousMeans);
        new TwoTowerTrainer(o, network, newRows, profiles).Train(null);
        return Create(mlContext, allData, Options.Clone(), network, profiles, _continuousMeans);
    }

    // The tables come in the same order (same options); an old table's rows are the first rows of the grown one.
    private static void CopyWeights(TwoTowerNetwork from, TwoTowerNetwork to)
    {
        var source = from.Tables;
        var target = to.Tables;
        for (int t = 0; t < source.Count; t++) source[t].Weights.CopyTo(target[t].Weights, 0);
        var dense = from.DenseParameters;
        var denseTarget = to.DenseParameters;
        for (int p = 0; p < dense.Count; p++) dense[p].Values.CopyTo(denseTarget[p].Values, 0);
    }
}
