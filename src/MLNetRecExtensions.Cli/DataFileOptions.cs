using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Cli;

/// <summary>The delimited-file options shared by <c>recommendation</c>, <c>evaluate</c> and <c>compare</c>.</summary>
internal sealed record DataFileOptions(string? UserColumn, string? ItemColumn, string? RatingColumn, string? TimeColumn, bool HasHeader, string? Separator)
{
    public static readonly OptionSpec[] Specs =
    [
        new("--user-col", "C", "0", "user id column: a header name (with --has-header) or a 0-based index"),
        new("--item-col", "C", "1", "item id column: a header name or a 0-based index"),
        new("--rating-col", "C", "none: implicit feedback", "rating / weight column"),
        new("--time-col", "C", "none", "timestamp column (seconds); makes the validation split temporal"),
        new("--has-header", null, "false", "the first line names the columns (also --has-header true|false)"),
        new("--separator", "S", "tab when the first line has tabs and no commas, else ','", "field separator: , | tab | ; | any text"),
    ];

    public static DataFileOptions From(ParsedOptions o) => new(o.Get("--user-col"), o.Get("--item-col"), o.Get("--rating-col"),
        o.Get("--time-col"), o.Flag("--has-header"), o.Get("--separator"));

    /// <summary>The library's description of <paramref name="path"/> under these options.</summary>
    public DelimitedFileFormat Format(string path) => new()
    {
        Separator = ResolveSeparator(path),
        HasHeader = HasHeader,
        UserColumn = UserColumn ?? "0",
        ItemColumn = ItemColumn ?? "1",
        RatingColumn = RatingColumn,
        TimestampColumn = TimeColumn,
    };

    private string ResolveSeparator(string path)
    {
        if (Separator != null) return Separator switch { "tab" or "\\t" => "\t", "" => throw new UsageException("--separator must not be empty"), _ => Separator };
        var first = File.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)) ?? "";
        return first.Contains('\t') && !first.Contains(',') ? "\t" : ",";
    }
}
