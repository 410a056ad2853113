using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Sessions;

/// <summary>One row of a <see cref="SessionLeaderboard"/>.</summary>
/// <param name="Model">Name.</param>
/// <param name="Metrics">Recall@N and MRR@N.</param>
/// <param name="FitSeconds">Training wall time.</param>
/// <param name="EventsPerSecond">Training events per second over all epochs (null for baselines without epochs).</param>
public sealed record SessionLeaderboardEntry(string Model, SessionMetrics Metrics, double FitSeconds, double? EventsPerSecond);

/// <summary>Next-item results of several session recommenders on one train/test pair.</summary>
/// <param name="Dataset">Name of the data.</param>
/// <param name="Entries">One row per model, in run order.</param>
public sealed record SessionLeaderboard(string Dataset, IReadOnlyList<SessionLeaderboardEntry> Entries)
{
    /// <summary>A Markdown table: Recall@20, MRR@20, then Recall/MRR at 1, 5, 10, fit seconds and events/s.</summary>
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"### Session leaderboard — {Dataset}").AppendLine();
        sb.AppendLine("| model | Recall@20 | MRR@20 | Recall@1 | Recall@5 | Recall@10 | MRR@5 | MRR@10 | fit s | events/s |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var e in Entries)
        {
            var m = e.Metrics;
            sb.AppendLine(string.Create(inv, $"| {e.Model} | {m.Recall(20):F4} | {m.Mrr(20):F4} | {m.Recall(1):F4} | {m.Recall(5):F4} | {m.Recall(10):F4} | {m.Mrr(5):F4} | {m.Mrr(10):F4} | {e.FitSeconds:F1} | {(e.EventsPerSecond is { } v ? v.ToString("F0", inv) : "—")} |"));
        }
        if (Entries.Count > 0) sb.AppendLine().AppendLine(string.Create(inv, $"{Entries[0].Metrics.Predictions} next-item predictions; full-catalog ranking, ties count against the target."));
        return sb.ToString();
    }
}
