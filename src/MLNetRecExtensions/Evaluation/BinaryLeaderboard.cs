using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Evaluation;

/// <summary>The result of a <see cref="BinaryClassifierComparison"/>: models × (accuracy, AUC, log-loss, F1, fit time).</summary>
public sealed class BinaryLeaderboard
{
    /// <summary>Creates a leaderboard.</summary>
    public BinaryLeaderboard(string dataset, IReadOnlyList<BinaryLeaderboardEntry> entries)
    {
        Dataset = dataset;
        Entries = entries;
    }

    /// <summary>Description of the data and split.</summary>
    public string Dataset { get; }
    /// <summary>One entry per model, in the order added.</summary>
    public IReadOnlyList<BinaryLeaderboardEntry> Entries { get; }

    /// <summary>Column headers of <see cref="Rows"/>.</summary>
    public IReadOnlyList<string> Headers => ["Model", "Accuracy", "AUC", "Log-loss (bits)", "F1", "Fit s"];

    /// <summary>The formatted cells, one row per entry ("–" for an absent log-loss).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => Entries.Select(e => (IReadOnlyList<string>)
    [
        e.Model, F(e.Accuracy), F(e.Auc), e.LogLoss is { } l ? F(l) : "–", F(e.F1),
        e.FitSeconds.ToString("0.00", CultureInfo.InvariantCulture),
    ]).ToList();

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>The leaderboard as Markdown: a title line and a pipe table.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# Binary classifiers — {Dataset}").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Headers) + " |");
        sb.AppendLine("|" + string.Join("|", Headers.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in Rows) sb.AppendLine("| " + string.Join(" | ", row) + " |");
        return sb.ToString();
    }

    /// <summary>The leaderboard as a plain-text table with aligned columns.</summary>
    public string ToText()
    {
        var rows = Rows;
        var widths = Headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((x, c) => c == 0 ? x.PadRight(widths[c]) : x.PadLeft(widths[c])));
        var sb = new StringBuilder();
        sb.AppendLine(Dataset);
        sb.AppendLine(Line(Headers));
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) sb.AppendLine(Line(row));
        return sb.ToString();
    }
}
