namespace MLNetRecExtensions.Data;

/// <summary>
/// Describes a delimited interactions file for <see cref="InteractionLoaders.ReadDelimited"/>: one interaction per
/// line, fields separated by <see cref="Separator"/>; a field may be quoted (<c>"a,b"</c>, a quote inside written <c>""</c>);
/// a UTF-8 byte-order mark and CRLF line endings are accepted. Column references are header names when
/// <see cref="HasHeader"/> is true, otherwise 0-based column indexes written as strings ("0", "1", …).
/// </summary>
public sealed class DelimitedFileFormat
{
    /// <summary>Field separator; may be several characters (e.g. "::"). Default ",".</summary>
    public string Separator { get; set; } = ",";

    /// <summary>True when the first line is a header naming the columns. Default true.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Column holding the user (or session) identifier. Required.</summary>
    public string UserColumn { get; set; } = "";

    /// <summary>Column holding the item identifier. Required.</summary>
    public string ItemColumn { get; set; } = "";

    /// <summary>Column holding the rating or weight; null means implicit data where every label is 1.</summary>
    public string? RatingColumn { get; set; }

    /// <summary>Column holding the interaction time in seconds; null means the data has no timestamps.</summary>
    public string? TimestampColumn { get; set; }
}
