using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Cli;

/// <summary>Draws a leaderboard as a grouped bar chart (PNG) of its main top-K metrics per model.</summary>
internal static class LeaderboardChart
{
    public static void Save(Leaderboard board, string path)
    {
        var metrics = new (string Name, Func<RankingReport, double> Value)[]
        {
            ($"Precision@{board.K}", r => r.Precision), ($"Recall@{board.K}", r => r.Recall),
            ($"NDCG@{board.K}", r => r.Ndcg), ("MAP", r => r.Map),
        };
        var withFolding = board.Entries.Any(e => e.Ranking.FoldingScore.HasValue);
        if (withFolding) metrics = [.. metrics, ("Folding", r => r.FoldingScore ?? 0)];

        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int models = board.Entries.Count;
        double groupWidth = models + 1;
        for (int m = 0; m < models; m++)
        {
            var bars = new List<ScottPlot.Bar>();
            for (int k = 0; k < metrics.Length; k++)
                bars.Add(new ScottPlot.Bar
                {
                    Position = k * groupWidth + m,
                    Value = metrics[k].Value(board.Entries[m].Ranking),
                    FillColor = palette.GetColor(m),
                });
            var series = plot.Add.Bars(bars);
            series.LegendText = board.Entries[m].Model;
        }
        plot.Axes.Bottom.SetTicks(
            metrics.Select((_, k) => k * groupWidth + (models - 1) / 2.0).ToArray(),
            metrics.Select(x => x.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Top-{board.K} metrics — {board.Dataset}");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 1100, 550);
    }
}
