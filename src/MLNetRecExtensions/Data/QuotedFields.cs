using System.Text;

namespace MLNetRecExtensions.Data;

/// <summary>
/// Quoted fields of delimited files (RFC 4180 style, within one line): a field that starts with <c>"</c> runs to
/// the next lone <c>"</c>, may contain the separator, and writes a quote as <c>""</c>. A line holding quotes is
/// rewritten with the unquoted fields joined by <see cref="Separator"/>, so the reader's span splitting applies as is.
/// </summary>
internal static class QuotedFields
{
    /// <summary>The separator of a rewritten line (U+001F, the ASCII unit separator, never in text data).</summary>
    public const string Separator = "\u001F";

    /// <summary>The fields of <paramref name="line"/> joined by <see cref="Separator"/>.</summary>
    /// <exception cref="FormatException">A quoted field is not closed, or text follows its closing quote.</exception>
    public static string Rewrite(string line, string separator)
    {
        var result = new StringBuilder(line.Length);
        int p = 0;
        while (true)
        {
            if (p < line.Length && line[p] == '"')
            {
                int q = p + 1;
                while (true)
                {
                    if (q >= line.Length) throw new FormatException($"the quoted field starting at character {p + 1} is not closed");
                    if (line[q] == '"')
                    {
                        if (q + 1 < line.Length && line[q + 1] == '"') { result.Append('"'); q += 2; continue; }
                        break;
                    }
                    result.Append(line[q++]);
                }
                p = q + 1;
                if (p < line.Length && string.CompareOrdinal(line, p, separator, 0, separator.Length) != 0)
                    throw new FormatException($"text follows the closing quote at character {p}; quote the whole field");
            }
            else
            {
                int next = line.IndexOf(separator, p, StringComparison.Ordinal);
                int end = next < 0 ? line.Length : next;
                result.Append(line, p, end - p);
                p = end;
            }
            if (p >= line.Length) break;
            p += separator.Length;
            result.Append(Separator);
            if (p == line.Length) break;
        }
        return result.ToString();
    }
}
