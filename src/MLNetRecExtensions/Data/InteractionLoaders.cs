using Microsoft.ML;

namespace MLNetRecExtensions.Data;

/// <summary>
/// Reads interaction files into <see cref="InteractionData"/> (the <c>Read…</c> methods) or straight into an
/// <see cref="IDataView"/> with key-typed <see cref="InteractionColumns.User"/>/<see cref="InteractionColumns.Item"/>
/// columns (the <c>Load…</c> methods, equal to <c>Read…(path).ToDataView(mlContext)</c>).
/// Raw user and item ids are kept as strings in <see cref="InteractionData.UserIds"/>/<see cref="InteractionData.ItemIds"/>
/// (and as the key columns' key values); indices are assigned in order of first appearance in the file.
/// Blank lines are skipped; fields are trimmed; numbers use the invariant culture ("3.5", "1e9").
/// </summary>
/// <remarks>
/// Every reader validates up front and throws: <see cref="FileNotFoundException"/> when the file is missing;
/// <see cref="InvalidDataException"/> naming the file when it has no data rows, when the header lacks a required
/// column (listing the header's columns), or, naming the 1-based line number, the column, the value and the line's
/// text, when a line has the wrong number of fields, an empty user/item id, a non-numeric or non-finite rating or
/// timestamp, or a rating outside the accepted range; naming the line and column, when a byte is not valid UTF-8;
/// naming both lines, when a (user, item) pair repeats. <see cref="InteractionLoadOptions"/> declares the rating range
/// and how repeated pairs are merged (<see cref="DuplicatePolicy"/>).
/// </remarks>
public static class InteractionLoaders
{
    private static readonly string[] MovieLensColumns = ["user_id", "item_id", "rating", "timestamp"];

    /// <summary>
    /// Reads MovieLens 100K <c>u.data</c>: no header, tab-separated <c>user_id \t item_id \t rating \t timestamp</c>
    /// (ratings 1–5, unix seconds). The full file gives 100,000 rows, 943 users and 1,682 items.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks; null accepts ratings 1–5 and rejects repeated (user, item) pairs.</param>
    public static InteractionData ReadMovieLens100K(string path, InteractionLoadOptions? options = null) =>
        DelimitedInteractionReader.Read(path, "\t", hasHeader: false, MovieLensColumns,
            "user_id", "item_id", "rating", "timestamp", options, MovieLensScale, DuplicatePolicy.Error);

    private static readonly RatingRange MovieLensScale = new(1, 5);

    /// <summary>
    /// Reads MovieLens 1M <c>ratings.dat</c>: no header, <c>UserID::MovieID::Rating::Timestamp</c>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks; null accepts ratings 1–5 and rejects repeated (user, item) pairs.</param>
    public static InteractionData ReadMovieLens1M(string path, InteractionLoadOptions? options = null) =>
        DelimitedInteractionReader.Read(path, "::", hasHeader: false, ["UserID", "MovieID", "Rating", "Timestamp"],
            "UserID", "MovieID", "Rating", "Timestamp", options, MovieLensScale, DuplicatePolicy.Error);

    /// <summary>
    /// Reads the ML.NET movie-recommendation tutorial CSV (<c>recommendation-ratings-train.csv</c>): comma-separated
    /// with header <c>userId,movieId,rating,timestamp</c>; ratings 0.5–5 in half steps, written as "4" or "3.5".
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks; null accepts ratings 0.5–5 and rejects repeated (user, item) pairs.</param>
    public static InteractionData ReadMlNetTutorialCsv(string path, InteractionLoadOptions? options = null) =>
        DelimitedInteractionReader.Read(path, ",", hasHeader: true, null, "userId", "movieId", "rating", "timestamp",
            options, new RatingRange(0.5f, 5), DuplicatePolicy.Error);

    /// <summary>
    /// Reads any delimited interactions file described by <paramref name="format"/>. Without a rating column every
    /// label is 1 (implicit feedback); without a timestamp column <see cref="InteractionData.Timestamps"/> is null.
    /// When the format has no header, the first data line fixes the number of fields every line must have.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The format is incomplete (empty separator or user/item column)
    /// or, without a header, a column reference is not a 0-based index.</exception>
    /// <param name="path">The file.</param>
    /// <param name="format">Separator, header and columns.</param>
    /// <param name="options">Checks; null checks ratings against the data's own scale and rejects repeated (user, item) pairs.</param>
    public static InteractionData ReadDelimited(string path, DelimitedFileFormat format, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (string.IsNullOrEmpty(format.Separator))
            throw new ArgumentOutOfRangeException(nameof(format), "DelimitedFileFormat.Separator is empty; set it to the file's field separator (e.g. \",\" or \"\\t\").");
        if (string.IsNullOrWhiteSpace(format.UserColumn))
            throw new ArgumentOutOfRangeException(nameof(format), "DelimitedFileFormat.UserColumn is empty; set it to the user column's header name (or 0-based index without a header).");
        if (string.IsNullOrWhiteSpace(format.ItemColumn))
            throw new ArgumentOutOfRangeException(nameof(format), "DelimitedFileFormat.ItemColumn is empty; set it to the item column's header name (or 0-based index without a header).");
        return DelimitedInteractionReader.Read(path, format.Separator, format.HasHeader, null,
            format.UserColumn, format.ItemColumn, format.RatingColumn, format.TimestampColumn, options, null, DuplicatePolicy.Error);
    }

    /// <summary>
    /// Reads a GRU4Rec session log: tab-separated with a header naming <c>SessionId</c>, <c>ItemId</c> and
    /// <c>Time</c> (found by name, in any order; other columns are ignored). <b>Each session becomes a user</b>:
    /// <see cref="InteractionData.Users"/> holds session indices and <see cref="InteractionData.UserIds"/> the
    /// session ids. Labels are 1 and timestamps come from <c>Time</c> (seconds, fractional allowed).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks; null keeps repeated (session, item) clicks.</param>
    public static InteractionData ReadSessions(string path, InteractionLoadOptions? options = null) =>
        DelimitedInteractionReader.Read(path, "\t", hasHeader: true, null, "SessionId", "ItemId", null, "Time",
            options, null, DuplicatePolicy.KeepAll);

    /// <summary>Loads MovieLens 100K <c>u.data</c> as an <see cref="IDataView"/>; see <see cref="ReadMovieLens100K"/>.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks, as for <see cref="ReadMovieLens100K"/>.</param>
    public static IDataView LoadMovieLens100K(MLContext mlContext, string path, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ReadMovieLens100K(path, options).ToDataView(mlContext);
    }

    /// <summary>Loads MovieLens 1M <c>ratings.dat</c> as an <see cref="IDataView"/>; see <see cref="ReadMovieLens1M"/>.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks, as for <see cref="ReadMovieLens1M"/>.</param>
    public static IDataView LoadMovieLens1M(MLContext mlContext, string path, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ReadMovieLens1M(path, options).ToDataView(mlContext);
    }

    /// <summary>Loads the ML.NET tutorial ratings CSV as an <see cref="IDataView"/>; see <see cref="ReadMlNetTutorialCsv"/>.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks, as for <see cref="ReadMlNetTutorialCsv"/>.</param>
    public static IDataView LoadMlNetTutorialCsv(MLContext mlContext, string path, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ReadMlNetTutorialCsv(path, options).ToDataView(mlContext);
    }

    /// <summary>Loads a delimited interactions file as an <see cref="IDataView"/>; see <see cref="ReadDelimited"/>.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="format">Separator, header and columns.</param>
    /// <param name="options">Checks, as for <see cref="ReadDelimited"/>.</param>
    public static IDataView LoadDelimited(MLContext mlContext, string path, DelimitedFileFormat format, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ReadDelimited(path, format, options).ToDataView(mlContext);
    }

    /// <summary>
    /// Loads a GRU4Rec session log as an <see cref="IDataView"/>; see <see cref="ReadSessions"/>. The session key is
    /// in the <see cref="InteractionColumns.User"/> column.
    /// </summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">Checks, as for <see cref="ReadSessions"/>.</param>
    public static IDataView LoadSessions(MLContext mlContext, string path, InteractionLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ReadSessions(path, options).ToDataView(mlContext);
    }
}
