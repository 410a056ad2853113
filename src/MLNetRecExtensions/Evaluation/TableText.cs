using System.Text;

namespace MLNetRecExtensions.Evaluation;

/// <summary>Renders a header row and cell rows (first column left-aligned, the rest right-aligned) as Markdown or plain text.</summary>
internal static class TableText
{
    /// <summary>A Markdown pipe table.</summary>
    public static string Markdown(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", headers) + " |");
        sb.AppendLine("|" + string.Join("|", headers.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in rows) sb.AppendLine("| " + string.Join(" | ", row) + " |");
        return sb.ToString();
    }

    /// <summary>A plain-text table with aligned columns and a dashed rule under the header.</summary>
    public static string Plain(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((x, c) => c == 0 ? x.PadRight(widths[c]) : x.PadLeft(widths[c])));
        var sb = new StringBuilder();
        sb.AppendLine(Line(headers));
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) sb.AppendLine(Line(row));
        return sb.ToString();
    }
}
