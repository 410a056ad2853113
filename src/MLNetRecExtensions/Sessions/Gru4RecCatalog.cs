using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions;

/// <summary>Catalog entries of <see cref="Gru4RecEstimator"/> (in the root namespace, like every catalog extension).</summary>
public static class Gru4RecCatalog
{
    /// <summary>
    /// GRU4Rec session-based next-item recommender with the official best YOOCHOOSE defaults (see
    /// <see cref="Gru4RecOptions"/>). Trains on a session log (<paramref name="sessionColumnName"/> key,
    /// <paramref name="itemColumnName"/> key, <paramref name="timeColumnName"/> numeric); scores the vector of item keys
    /// in <paramref name="prefixColumnName"/> into the top-<paramref name="topK"/> item keys (<c>PredictedItems</c>) and scores (<c>Scores</c>).
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="loss">The loss (default cross-entropy).</param>
    /// <param name="sessionColumnName">Session key column (default <c>UserId</c>, as <c>InteractionLoaders.LoadSessions</c> writes).</param>
    /// <param name="itemColumnName">Item key column (default <c>ItemId</c>).</param>
    /// <param name="timeColumnName">Time column (default <c>Timestamp</c>).</param>
    /// <param name="prefixColumnName">Prediction input: vector of item keys (default <c>Prefix</c>).</param>
    /// <param name="numberOfEpochs">Passes over the data (default 10).</param>
    /// <param name="topK">Items per prediction (default 20).</param>
    public static Gru4RecEstimator Gru4Rec(this RecommendersCatalog.TrainerCatalog catalog, Gru4RecLoss loss = Gru4RecLoss.CrossEntropy,
        string sessionColumnName = Data.InteractionColumns.User, string itemColumnName = Data.InteractionColumns.Item,
        string timeColumnName = Data.InteractionColumns.Timestamp, string prefixColumnName = "Prefix", int numberOfEpochs = 10, int topK = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new Gru4RecEstimator(catalog.Context, new Gru4RecOptions
        {
            Loss = loss,
            SessionColumnName = sessionColumnName,
            ItemColumnName = itemColumnName,
            TimeColumnName = timeColumnName,
            PrefixColumnName = prefixColumnName,
            NumberOfEpochs = numberOfEpochs,
            TopK = topK,
        });
    }

    /// <summary>GRU4Rec with all options.</summary>
    public static Gru4RecEstimator Gru4Rec(this RecommendersCatalog.TrainerCatalog catalog, Gru4RecOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new Gru4RecEstimator(catalog.Context, options);
    }
}
