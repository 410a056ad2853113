using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Evaluation;

/// <summary>The result of a comparison: models × metrics, fit time and recommendation time, side by side.</summary>
public sealed class Leaderboard
{
    /// <summary>Creates a leaderboard.</summary>
    /// <param name="dataset">Description of the data and split.</param>
    /// <param name="k">The K of the @K metrics.</param>
    /// <param name="entries">One entry per model.</param>
    /// <param name="warnings">Caveats about the comparison (e.g. K larger than the catalog); default none.</param>
    public Leaderboard(string dataset, int k, IReadOnlyList<LeaderboardEntry> entries, IReadOnlyList<string>? warnings = null)
    {
        Dataset = dataset;
        K = k;
        Entries = entries;
        Warnings = warnings ?? [];
    }

    /// <summary>Caveats about how to read the numbers (e.g. K larger than the catalog); empty when there are none.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Description of the data and split the models were compared on.</summary>
    public string Dataset { get; }
    /// <summary>The K of the @K metrics.</summary>
    public int K { get; }
    /// <summary>One entry per model, in the order they were added.</summary>
    public IReadOnlyList<LeaderboardEntry> Entries { get; }

    /// <summary>Column headers of <see cref="Rows"/>.</summary>
    public IReadOnlyList<string> Headers
    {
        get
        {
            var h = new List<string> { "Model", $"Precision@{K}", $"Recall@{K}", $"NDCG@{K}", "MAP", "MRR", $"HitRate@{K}", "Coverage" };
            if (HasFolding) h.Add("Folding");
            if (HasRating) { h.Add("RMSE"); h.Add("MAE"); }
            h.Add("Fit s");
            h.Add("µs/user");
            return h;
        }
    }

    /// <summary>The table's cells, formatted, one row per entry, aligned with <see cref="Headers"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => Entries.Select(FormatRow).ToList();

    private bool HasFolding => Entries.Any(e => e.Ranking.FoldingScore.HasValue);
    private bool HasRating => Entries.Any(e => e.Rating != null);

    private IReadOnlyList<string> FormatRow(LeaderboardEntry e)
    {
        static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var r = e.Ranking;
        var cells = new List<string> { e.Model, F(r.Precision), F(r.Recall), F(r.Ndcg), F(r.Map), F(r.Mrr), F(r.HitRate), F(r.CatalogCoverage) };
        if (HasFolding) cells.Add(r.FoldingScore.HasValue ? F(r.FoldingScore.Value) : "–");
        if (HasRating)
        {
            cells.Add(e.Rating != null ? F(e.Rating.Rmse) : "–");
            cells.Add(e.Rating != null ? F(e.Rating.Mae) : "–");
        }
        cells.Add(e.FitSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        cells.Add(e.RecommendMicrosecondsPerUser.ToString("0.0", CultureInfo.InvariantCulture));
        return cells;
    }

    /// <summary>The leaderboard as a Markdown document (title line plus a pipe table).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# Leaderboard — {Dataset}").AppendLine();
        var users = Entries.Count > 0 ? Entries[0].Ranking.UsersEvaluated : 0;
        sb.AppendLine($"Top-{K} against the full catalog, training items excluded; {users} users evaluated.").AppendLine();
        foreach (var w in Warnings) sb.AppendLine($"> Warning: {w}").AppendLine();
        sb.Append(TableText.Markdown(Headers, Rows));
        return sb.ToString();
    }

    /// <summary>The leaderboard as a plain-text table with aligned columns, for consoles and logs.</summary>
    public string ToText() => TableText.Plain(Headers, Rows);
}
