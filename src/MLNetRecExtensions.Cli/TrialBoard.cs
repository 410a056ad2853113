using System.Globalization;
using System.Text;
using MLNetRecExtensions.ModelSelection;

namespace MLNetRecExtensions.Cli;

/// <summary>leaderboard.md and leaderboard.png of a search: every trial, best first, and a chart of the metric per trial.</summary>
internal static class TrialBoard
{
    public static void Write(RecommenderSearchResult result, string metricLabel, string directory)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Trials ({result.Trials.Count} in {result.Elapsed.TotalSeconds:F0} s, validation {metricLabel})");
        md.AppendLine();
        md.AppendLine($"| Rank | Trial | Model | Settings | {metricLabel} | Seconds |");
        md.AppendLine("|---:|---:|---|---|---:|---:|");
        int rank = 0;
        foreach (var t in result.Trials.OrderByDescending(t => double.IsNaN(t.Metric) ? double.NegativeInfinity : t.Metric).ThenBy(t => t.Number))
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {++rank} | {t.Number} | {t.Settings.Kind} | {t.Settings.Describe()} | {(t.Error == null ? t.Metric.ToString("F4", CultureInfo.InvariantCulture) : "failed")} | {t.Seconds:F1} |"));
        File.WriteAllText(Path.Combine(directory, "leaderboard.md"), md.ToString());

        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var group in result.Trials.Where(t => t.Error == null).GroupBy(t => t.Settings.Kind))
        {
            var bars = plot.Add.Bars(group.Select(t => new ScottPlot.Bar { Position = t.Number, Value = t.Metric, FillColor = palette.GetColor((int)group.Key) }).ToList());
            bars.LegendText = group.Key.ToString();
        }
        plot.Axes.Margins(bottom: 0);
        plot.XLabel("trial");
        plot.YLabel($"validation {metricLabel}");
        plot.Title($"mlnet-rec recommendation: {result.Trials.Count} trials, best {result.Best.Settings.Kind} ({result.Best.Metric:F4})");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(Path.Combine(directory, "leaderboard.png"), 1100, 550);
    }
}
