using System.Globalization;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>The metric <see cref="RecommenderSearch"/> maximizes (a field of <see cref="RankingReport"/>).</summary>
public enum RankingMetric
{
    /// <summary>NDCG@K.</summary>
    Ndcg = 0,
    /// <summary>Precision@K.</summary>
    Precision = 1,
    /// <summary>Recall@K.</summary>
    Recall = 2,
    /// <summary>MAP@K.</summary>
    Map = 3,
    /// <summary>MRR@K.</summary>
    Mrr = 4,
    /// <summary>HitRate@K.</summary>
    HitRate = 5,
}

/// <summary>Reads and names <see cref="RankingMetric"/>s.</summary>
public static class RankingMetrics
{
    /// <summary>The metric's value in <paramref name="report"/>.</summary>
    public static double Of(this RankingMetric metric, RankingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return metric switch
        {
            RankingMetric.Ndcg => report.Ndcg,
            RankingMetric.Precision => report.Precision,
            RankingMetric.Recall => report.Recall,
            RankingMetric.Map => report.Map,
            RankingMetric.Mrr => report.Mrr,
            RankingMetric.HitRate => report.HitRate,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
        };
    }

    /// <summary>
    /// Parses "ndcg@10", "precision@5", "recall", "map@20", "mrr", "hitrate@10" (case-insensitive); without "@K" the
    /// cut-off is <paramref name="defaultK"/>.
    /// </summary>
    /// <exception cref="FormatException">Unknown name or a cut-off below 1 (the message lists the accepted forms).</exception>
    public static (RankingMetric Metric, int K) Parse(string text, int defaultK = 10)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('@');
        int k = defaultK;
        if (parts.Length > 2 || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out k) || k < 1)))
            throw new FormatException($"'{text}' is not a metric: use ndcg, precision, recall, map, mrr or hitrate, optionally with @K (K ≥ 1), e.g. ndcg@10.");
        if (!Enum.TryParse<RankingMetric>(parts[0], ignoreCase: true, out var metric) || !Enum.IsDefined(metric) || int.TryParse(parts[0], out _))
            throw new FormatException($"'{parts[0]}' is not a metric: use ndcg, precision, recall, map, mrr or hitrate, optionally with @K, e.g. ndcg@10.");
        return (metric, k);
    }

    /// <summary>"NDCG@10" style label.</summary>
    public static string Label(this RankingMetric metric, int k) => metric switch
    {
        RankingMetric.HitRate => $"HitRate@{k}",
        _ => $"{metric.ToString().ToUpperInvariant()}@{k}",
    };
}
