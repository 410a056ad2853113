using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec score --model MODEL.zip --input ROWS.tsv [--output SCORES.tsv]</c>: loads a model saved with
/// <c>mlContext.Model.Save</c>, reads tab-separated rows with a header naming the model's input columns, and writes
/// the input columns plus <c>Score</c> (round-trip float text, so scores can be compared bit for bit).
/// </summary>
internal static class ScoreCommand
{
    public const string Usage = "usage: mlnet-rec score --model MODEL.zip --input ROWS.tsv [--output SCORES.tsv]";

    public static int Run(IReadOnlyList<string> args)
    {
        string? model = null, input = null, output = null;
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            string Value() => a + 1 < args.Count ? args[++a] : throw new UsageException($"option {name} needs a value");
            switch (name)
            {
                case "--model": model = Value(); break;
                case "--input": input = Value(); break;
                case "--output": output = Value(); break;
                default: throw new UsageException($"unknown option '{name}'; {Usage}");
            }
        }
        if (model == null || input == null) throw new UsageException($"--model and --input are required; {Usage}");
        if (!File.Exists(model)) throw new UsageException($"--model: file not found: {model}");
        if (!File.Exists(input)) throw new UsageException($"--input: file not found: {input}");

        var ml = new MLContext(0);
        var transformer = ml.Model.Load(model, out var inputSchema);
        var header = File.ReadLines(input).FirstOrDefault() ?? throw new InvalidDataException($"{input} is empty.");
        var names = header.Split('\t');
        // Columns of the training schema that the file lacks (e.g. the label) are left out; Transform names any the
        // model really needs.
        var columns = inputSchema.Where(c => !c.IsHidden && names.Contains(c.Name))
            .Select(c => LoaderColumn(c, Array.IndexOf(names, c.Name))).ToArray();
        var rows = ml.Data.CreateTextLoader(columns, separatorChar: '\t', hasHeader: true).Load(input);
        var scored = transformer.Transform(rows);
        var scores = scored.GetColumn<float>("Score").ToArray();

        using var writer = output == null ? Console.Out : new StreamWriter(output);
        writer.WriteLine("Score");
        foreach (var s in scores) writer.WriteLine(s.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static TextLoader.Column LoaderColumn(DataViewSchema.Column column, int index) =>
        column.Type switch
        {
            KeyDataViewType key => new TextLoader.Column(column.Name, DataKind.UInt32, [new TextLoader.Range(index)], new KeyCount(key.Count)),
            TextDataViewType => new TextLoader.Column(column.Name, DataKind.String, index),
            BooleanDataViewType => new TextLoader.Column(column.Name, DataKind.Boolean, index),
            NumberDataViewType n when n.RawType == typeof(float) => new TextLoader.Column(column.Name, DataKind.Single, index),
            NumberDataViewType n when n.RawType == typeof(double) => new TextLoader.Column(column.Name, DataKind.Double, index),
            NumberDataViewType n when n.RawType == typeof(int) => new TextLoader.Column(column.Name, DataKind.Int32, index),
            NumberDataViewType n when n.RawType == typeof(long) => new TextLoader.Column(column.Name, DataKind.Int64, index),
            NumberDataViewType n when n.RawType == typeof(uint) => new TextLoader.Column(column.Name, DataKind.UInt32, index),
            _ => throw new InvalidDataException($"Input column '{column.Name}' of type {column.Type} cannot be read from text."),
        };
}
