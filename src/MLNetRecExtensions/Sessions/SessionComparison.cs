using System.Diagnostics;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// Runs the session leaderboard: the three baselines of the GRU4Rec paper (most popular, session popularity,
/// item-kNN) and any number of GRU4Rec settings, all trained on one <see cref="SessionSplit"/> and evaluated with
/// <see cref="SessionEvaluator"/> (Recall@N / MRR@N, N = 1, 5, 10, 20).
/// </summary>
public static class SessionComparison
{
    /// <summary>Trains and evaluates everything, in order: baselines first, then each GRU4Rec setting.</summary>
    /// <param name="split">The data.</param>
    /// <param name="dataset">Name for the table.</param>
    /// <param name="models">Named GRU4Rec settings (e.g. one per loss from <see cref="Gru4RecPresets"/>).</param>
    /// <param name="log">Optional sink for progress lines.</param>
    public static SessionLeaderboard Run(SessionSplit split, string dataset, IEnumerable<(string Name, Gru4RecOptions Options)> models, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(models);
        var entries = new List<SessionLeaderboardEntry>();
        foreach (var (name, build) in new (string, Func<SessionData, ISessionRecommender>)[]
                 {
                     ("Most popular", d => new MostPopularRecommender(d)),
                     ("Session popularity", d => new SessionPopularityRecommender(d)),
                     ("Item-kNN", d => new ItemKnnRecommender(d)),
                 })
        {
            var watch = Stopwatch.StartNew();
            var model = build(split.Train);
            watch.Stop();
            entries.Add(new SessionLeaderboardEntry(name, SessionEvaluator.Evaluate(model, split.Test), watch.Elapsed.TotalSeconds, null));
            log?.Invoke($"{name}: Recall@20 {entries[^1].Metrics.Recall(20):F4}, MRR@20 {entries[^1].Metrics.Mrr(20):F4}");
        }
        foreach (var (name, options) in models)
        {
            var watch = Stopwatch.StartNew();
            var model = Gru4RecEstimator.Train(split.Train, options, split.ItemIds, line => log?.Invoke($"{name}: {line}"));
            watch.Stop();
            double events = model.TrainingHistory.Sum(h => (double)h.Events), seconds = model.TrainingHistory.Sum(h => h.Seconds);
            var metrics = SessionEvaluator.Evaluate(model, split.Test);
            entries.Add(new SessionLeaderboardEntry(name, metrics, watch.Elapsed.TotalSeconds, events / Math.Max(seconds, 1e-9)));
            log?.Invoke($"{name}: Recall@20 {metrics.Recall(20):F4}, MRR@20 {metrics.Mrr(20):F4}");
        }
        return new SessionLeaderboard(dataset, entries);
    }
}
