using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// The rows <c>mlnet-rec score</c> feeds a model, read from a tab-separated file whose header names the model's input
/// columns, and checked before anything is scored: every row must have the header's field count and parse as its
/// column's type (the line numbers of the rows that do not are reported), and key-typed id columns are mapped through
/// the model's own key values (the ids it was trained on) or refused when the model has none.
/// </summary>
internal sealed class ScoreInput
{
    private const int ListedLines = 5;

    private ScoreInput(IDataView rows, IReadOnlyList<string> warnings)
    {
        Rows = rows;
        Warnings = warnings;
    }

    /// <summary>The rows with the model's column names and types.</summary>
    public IDataView Rows { get; }

    /// <summary>Things the user should know, e.g. ids the model has never seen (scored with its unknown-id fallback).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads and checks <paramref name="input"/> against the model's input schema.</summary>
    /// <exception cref="InvalidDataException">The header names none of the model's columns, rows do not parse, or a key
    /// column cannot be mapped (the message names the file, lines, columns and values).</exception>
    public static ScoreInput Read(MLContext ml, string input, string model, DataViewSchema inputSchema)
    {
        var lines = File.ReadLines(input).Select((text, k) => (Text: text, Line: k + 1)).Where(l => l.Text.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"'{input}' is empty; expected a tab-separated header naming {Expected(inputSchema)}, then one row per line.");
        var header = lines[0].Text.Split('\t').Select(h => h.Trim()).ToArray();
        var used = inputSchema.Where(c => !c.IsHidden && header.Contains(c.Name)).ToArray();
        if (used.Length == 0)
        {
            string hint = lines[0].Text.Contains(',') && !lines[0].Text.Contains('\t') ? " The header contains commas but no tabs: the file must be tab-separated." : "";
            throw new InvalidDataException(
                $"'{input}' line 1: the header '{lines[0].Text}' names none of the input columns of '{model}', which expects {Expected(inputSchema)}.{hint}");
        }

        var columns = new List<TextLoader.Column>();
        var keyMaps = new List<(string Name, string[] Values)>();
        var parsers = new List<(DataViewSchema.Column Column, int Index, Func<string, bool> Parses, Dictionary<string, int>? Keys)>();
        foreach (var c in used)
        {
            int index = Array.IndexOf(header, c.Name);
            if (c.Type is KeyDataViewType key)
            {
                var values = SchemaChecks.TryGetKeyValues(c) ?? throw new InvalidDataException(
                    $"The input column '{c.Name}' of '{model}' is a key column ({c.Type}) without key values, so the raw ids in '{input}' cannot be mapped to its keys " +
                    $"(reading '196' as key index 196 would score a different {c.Name}). A key column holds positions in the model's own id table, not ids. " +
                    "Save the model with a pipeline that starts from the raw id columns (mlContext.Transforms.Conversion.MapValueToKey), or with the schema of " +
                    "InteractionData.ToDataView, whose key columns carry their ids.");
                columns.Add(new TextLoader.Column(c.Name, DataKind.String, index));
                keyMaps.Add((c.Name, values));
                var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int k = 0; k < values.Length; k++) lookup.TryAdd(values[k], k);
                parsers.Add((c, index, _ => true, lookup));
            }
            else
            {
                columns.Add(LoaderColumn(c, index));
                parsers.Add((c, index, Parser(c.Type), null));
            }
        }

        var bad = new List<string>();
        var unknown = new Dictionary<string, List<int>>();
        foreach (var (text, line) in lines.Skip(1))
        {
            var fields = text.Split('\t');
            if (fields.Length != header.Length)
            {
                bad.Add($"line {line}: {fields.Length} field(s), the header has {header.Length}");
                continue;
            }
            foreach (var (column, index, parses, keys) in parsers)
            {
                var value = fields[index].Trim();
                if (keys != null)
                {
                    if (!keys.ContainsKey(value))
                    {
                        if (!unknown.TryGetValue(column.Name, out var list)) unknown[column.Name] = list = [];
                        list.Add(line);
                    }
                }
                else if (!parses(value)) bad.Add($"line {line}: column '{column.Name}' holds '{value}', which is not a {column.Type}");
            }
        }
        if (bad.Count > 0)
            throw new InvalidDataException(
                $"'{input}' has {bad.Count} unparsable row(s); nothing was scored. {string.Join("; ", bad.Take(ListedLines))}" +
                (bad.Count > ListedLines ? $"; and {bad.Count - ListedLines} more." : ".") + " Fix or remove those rows.");

        var warnings = unknown.Select(u =>
            $"'{input}': {u.Value.Count} row(s) have a {u.Key} the model was not trained on (lines {string.Join(", ", u.Value.Take(ListedLines))}" +
            (u.Value.Count > ListedLines ? ", …" : "") + "); they get the model's score for an unknown id.").ToList();

        IDataView rows = ml.Data.CreateTextLoader(columns.ToArray(), separatorChar: '\t', hasHeader: true, trimWhitespace: true).Load(input);
        foreach (var (name, values) in keyMaps)
        {
            var keyData = ml.Data.LoadFromEnumerable(values.Select(v => new KeyValueRow { Value = v }));
            rows = ml.Transforms.Conversion.MapValueToKey(name, name, keyData: keyData).Fit(rows).Transform(rows);
        }
        return new ScoreInput(rows, warnings);
    }

    /// <summary>"UserId (Key&lt;UInt32, 0-942&gt;), ItemId (…)": the model's visible input columns with their types.</summary>
    public static string Expected(DataViewSchema inputSchema) =>
        string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})"));

    private sealed class KeyValueRow
    {
        public string Value { get; set; } = "";
    }

    private static Func<string, bool> Parser(DataViewType type) => type switch
    {
        TextDataViewType => _ => true,
        BooleanDataViewType => v => bool.TryParse(v, out _) || v is "0" or "1",
        NumberDataViewType n when n.RawType == typeof(float) => v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        NumberDataViewType n when n.RawType == typeof(double) => v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        NumberDataViewType n when n.RawType == typeof(int) => v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        NumberDataViewType n when n.RawType == typeof(long) => v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        NumberDataViewType n when n.RawType == typeof(uint) => v => uint.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ => _ => true,
    };

    private static TextLoader.Column LoaderColumn(DataViewSchema.Column column, int index) =>
        column.Type switch
        {
            TextDataViewType => new TextLoader.Column(column.Name, DataKind.String, index),
            BooleanDataViewType => new TextLoader.Column(column.Name, DataKind.Boolean, index),
            NumberDataViewType n when n.RawType == typeof(float) => new TextLoader.Column(column.Name, DataKind.Single, index),
            NumberDataViewType n when n.RawType == typeof(double) => new TextLoader.Column(column.Name, DataKind.Double, index),
            NumberDataViewType n when n.RawType == typeof(int) => new TextLoader.Column(column.Name, DataKind.Int32, index),
            NumberDataViewType n when n.RawType == typeof(long) => new TextLoader.Column(column.Name, DataKind.Int64, index),
            NumberDataViewType n when n.RawType == typeof(uint) => new TextLoader.Column(column.Name, DataKind.UInt32, index),
            _ => throw new InvalidDataException($"Input column '{column.Name}' of type {column.Type} cannot be read from text; score supports text, Boolean and numeric scalar columns and key columns with key values."),
        };
}
