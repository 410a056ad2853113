using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Data;

/// <summary>
/// The one parser behind every file loader. It streams the file line by line, splits each line into field ranges
/// (spans, no per-field strings), maps user and item ids to 0-based indices in order of first appearance and
/// validates every value, naming the file, the 1-based line number, the column and the offending text on failure.
/// Blank lines are skipped.
/// </summary>
internal static class DelimitedInteractionReader
{
    private const int MaxQuotedLineLength = 200;

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">Field separator.</param>
    /// <param name="hasHeader">True when the first non-blank line names the columns.</param>
    /// <param name="fixedNames">For headerless formats with known columns (MovieLens): the column names, which also
    /// fix the expected field count. Null for a headerless file whose columns are 0-based index strings.</param>
    /// <param name="userColumn">User column (a name, or an index string for headerless files without names).</param>
    /// <param name="itemColumn">Item column.</param>
    /// <param name="ratingColumn">Rating column, or null for implicit labels of 1.</param>
    /// <param name="timestampColumn">Timestamp column, or null.</param>
    /// <param name="options">The caller's checks, or null for the format's defaults.</param>
    /// <param name="formatRange">The format's rating scale (null: check the data's own scale instead).</param>
    /// <param name="formatDuplicates">The format's duplicate policy when <paramref name="options"/> sets none.</param>
    public static InteractionData Read(string path, string separator, bool hasHeader, string[]? fixedNames,
        string userColumn, string itemColumn, string? ratingColumn, string? timestampColumn,
        InteractionLoadOptions? options, RatingRange? formatRange, DuplicatePolicy formatDuplicates)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Interactions file not found: '{Path.GetFullPath(path)}'. Check the path.", path);

        var users = new IdIndex();
        var items = new IdIndex();
        var userIdx = new List<int>(1024);
        var itemIdx = new List<int>(1024);
        var labels = new List<float>(1024);
        var times = timestampColumn == null ? null : new List<double>(1024);

        Binding user = default, item = default, rating = default, time = default;
        bool bound = false;
        int expectedFields = 0;
        Range[] ranges = [];
        string? headerLine = null;
        int lineNumber = 0;
        var range = options?.RatingRange ?? formatRange;
        string rangeSource = options?.RatingRange != null ? "declared in InteractionLoadOptions.RatingRange" : "the format's scale";

        using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        string? line;
        while ((line = ReadLine(reader, path)) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string original = line, sep = separator;
            if (line.Contains('"'))
            {
                try { line = QuotedFields.Rewrite(line, separator); }
                catch (FormatException e) { throw Bad(path, lineNumber, original, e.Message); }
                sep = QuotedFields.Separator;
            }
            var span = line.AsSpan();
            if (!bound)
            {
                string[] names;
                if (hasHeader)
                {
                    headerLine = original;
                    names = SplitHeader(line, sep);
                }
                else if (fixedNames != null) names = fixedNames;
                else names = [];
                if (hasHeader || fixedNames != null)
                {
                    expectedFields = names.Length;
                    user = BindByName(path, names, userColumn, "user", hasHeader);
                    item = BindByName(path, names, itemColumn, "item", hasHeader);
                    if (ratingColumn != null) rating = BindByName(path, names, ratingColumn, "rating", hasHeader);
                    if (timestampColumn != null) time = BindByName(path, names, timestampColumn, "timestamp", hasHeader);
                }
                else
                {
                    // Headerless with index references: the first data line fixes the field count.
                    expectedFields = CountFields(span, sep);
                    user = BindByIndex(path, userColumn, "user", expectedFields, lineNumber, original);
                    item = BindByIndex(path, itemColumn, "item", expectedFields, lineNumber, original);
                    if (ratingColumn != null) rating = BindByIndex(path, ratingColumn, "rating", expectedFields, lineNumber, original);
                    if (timestampColumn != null) time = BindByIndex(path, timestampColumn, "timestamp", expectedFields, lineNumber, original);
                }
                ranges = new Range[expectedFields + 1];
                bound = true;
                if (hasHeader) continue;
            }

            int count = span.Split(ranges, sep);
            if (count != expectedFields)
                throw Bad(path, lineNumber, original,
                    $"expected {expectedFields} fields separated by '{Show(separator)}' but found {CountFields(span, sep)}");

            userIdx.Add(users.IndexOf(RequireId(path, lineNumber, original, span[ranges[user.Index]], user)));
            itemIdx.Add(items.IndexOf(RequireId(path, lineNumber, original, span[ranges[item.Index]], item)));
            labels.Add(ratingColumn == null ? 1f : ParseRating(path, lineNumber, original, span[ranges[rating.Index]], rating, range, rangeSource));
            times?.Add(ParseTime(path, lineNumber, original, span[ranges[time.Index]], time));
        }

        if (userIdx.Count == 0)
            throw new InvalidDataException(headerLine != null
                ? $"Interactions file '{path}' has a header but no data rows."
                : $"Interactions file '{path}' is empty: it has no data rows.");

        var labelArray = labels.ToArray();
        if (ratingColumn != null && range == null) InteractionFileChecks.CheckRatingScale(path, hasHeader, labelArray);
        var userIds = users.ToArray();
        var itemIds = items.ToArray();
        var (u, i, l, t) = InteractionFileChecks.ApplyDuplicates(path, hasHeader, userIdx.ToArray(), itemIdx.ToArray(), labelArray,
            times?.ToArray(), users.Count, userIds, itemIds, options?.Duplicates ?? formatDuplicates, options?.Warnings);
        return new InteractionData(users.Count, items.Count, u, i, l, t, userIds, itemIds);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? ReadLine(StreamReader reader, string path)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw InteractionFileChecks.InvalidUtf8(path, e);
        }
    }

    /// <summary>A resolved column reference: its field position and how messages call it.</summary>
    private readonly record struct Binding(int Index, string Display);

    private static string[] SplitHeader(string line, string separator)
    {
        var parts = line.Split(separator);
        for (int k = 0; k < parts.Length; k++) parts[k] = parts[k].Trim();
        return parts;
    }

    private static Binding BindByName(string path, string[] names, string column, string role, bool fromHeader)
    {
        int found = Array.IndexOf(names, column);
        if (found < 0)
        {
            // Accept a header that differs only in case, when that match is unambiguous.
            var ci = names.Select((n, k) => (n, k)).Where(p => string.Equals(p.n, column, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (ci.Length == 1) found = ci[0].k;
        }
        if (found < 0)
            throw new InvalidDataException(fromHeader
                ? $"Interactions file '{path}': the header has no {role} column '{column}'. Header columns: {string.Join(", ", names.Select(n => $"'{n}'"))}. Fix the column name or the file's header."
                : $"Interactions file '{path}': the format has no {role} column '{column}'. Columns: {string.Join(", ", names)}.");
        return new Binding(found, $"{role} column '{names[found]}'");
    }

    private static Binding BindByIndex(string path, string column, string role, int fieldCount, int lineNumber, string line)
    {
        if (!int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw new ArgumentOutOfRangeException(role + "Column", column,
                $"The {role} column reference '{column}' must be a 0-based column index (\"0\", \"1\", …) because the format has no header. Set HasHeader = true to refer to columns by name.");
        if (index >= fieldCount)
            throw Bad(path, lineNumber, line,
                $"the {role} column index {index} is outside the line's {fieldCount} fields (indexes are 0-based)");
        return new Binding(index, $"{role} column {index}");
    }

    private static int CountFields(ReadOnlySpan<char> line, string separator) => line.Count(separator) + 1;

    private static ReadOnlySpan<char> RequireId(string path, int lineNumber, string line, ReadOnlySpan<char> field, Binding column)
    {
        field = field.Trim();
        if (field.IsEmpty) throw Bad(path, lineNumber, line, $"the {column.Display} is empty; every interaction needs a user and an item id");
        return field;
    }

    private static float ParseRating(string path, int lineNumber, string line, ReadOnlySpan<char> field, Binding column,
        RatingRange? range, string rangeSource)
    {
        field = field.Trim();
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            throw Bad(path, lineNumber, line, $"the {column.Display} holds \"{field}\", which is not a number");
        if (!float.IsFinite(value))
            throw Bad(path, lineNumber, line, $"the {column.Display} holds \"{field}\"; ratings must be finite numbers (no NaN or Infinity)");
        if (range != null && !range.Contains(value))
            throw Bad(path, lineNumber, line,
                $"the {column.Display} holds \"{field}\", outside the accepted ratings {range} ({rangeSource}); fix the line, or if the file " +
                "uses another scale set InteractionLoadOptions.RatingRange (CLI: --rating-range MIN:MAX)");
        return value;
    }

    private static double ParseTime(string path, int lineNumber, string line, ReadOnlySpan<char> field, Binding column)
    {
        field = field.Trim();
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw Bad(path, lineNumber, line, $"the {column.Display} holds \"{field}\", which is not a number (expected seconds)");
        if (!double.IsFinite(value))
            throw Bad(path, lineNumber, line, $"the {column.Display} holds \"{field}\"; timestamps must be finite numbers");
        return value;
    }

    private static InvalidDataException Bad(string path, int lineNumber, string line, string problem)
    {
        var text = line.Length <= MaxQuotedLineLength ? line : line[..MaxQuotedLineLength] + "…";
        return new InvalidDataException($"Interactions file '{path}' line {lineNumber}: {problem}. Line text: \"{text}\".");
    }

    private static string Show(string separator) => separator.Replace("\t", "\\t");

    /// <summary>Maps raw ids to 0-based indices in order of first appearance without allocating for known ids.</summary>
    private sealed class IdIndex
    {
        private readonly Dictionary<string, int> _map = new(StringComparer.Ordinal);
        private readonly List<string> _ids = [];

        public int Count => _ids.Count;

        public int IndexOf(ReadOnlySpan<char> id)
        {
            var lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(id, out int index)) return index;
            var s = id.ToString();
            index = _ids.Count;
            _map.Add(s, index);
            _ids.Add(s);
            return index;
        }

        public string[] ToArray() => _ids.ToArray();
    }
}
