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
    public string ToMarkdown() => $"# Binary classifiers — {Dataset}{Environment.NewLine}{Environment.NewLine}" + TableText.Markdown(Headers, Rows);

    /// <summary>The leaderboard as a plain-text table with aligned columns.</summary>
    public string ToText() => Dataset + Environment.NewLine + TableText.Plain(Headers, Rows);
}
