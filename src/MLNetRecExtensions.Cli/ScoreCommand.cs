using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec score --model MODEL.zip --input ROWS.tsv [--output SCORES.tsv]</c>: loads a model saved with
/// <c>mlContext.Model.Save</c>, reads tab-separated rows with a header naming the model's input columns, and writes
/// one <c>Score</c> per row (round-trip float text, so scores can be compared bit for bit). Everything is checked
/// before scoring: the output directory, the model file ("not a model file" with the path), the header against the
/// model's input columns, every row (unparsable rows are listed by line), and that the model has a Single Score.
/// </summary>
internal static class ScoreCommand
{
    public const string Usage = "usage: mlnet-rec score --model MODEL.zip --input ROWS.tsv [--output SCORES.tsv]";

    public static int Run(IReadOnlyList<string> args, TextWriter? error = null)
    {
        error ??= Console.Error;
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
        if (output != null) CheckOutput(output);

        var ml = new MLContext(0);
        var transformer = RecModelFile.LoadModel(ml, model, out var inputSchema);
        var rows = ScoreInput.Read(ml, input, model, inputSchema);
        DataViewSchema outputSchema;
        try
        {
            outputSchema = transformer.GetOutputSchema(rows.Rows.Schema);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException(
                $"'{model}' cannot score '{input}': {e.Message.TrimEnd('.')}. The model expects the columns {ScoreInput.Expected(inputSchema)}; " +
                $"the header of '{input}' has {string.Join(", ", File.ReadLines(input).First().Split('\t').Select(h => $"'{h}'"))}. " +
                "Name the columns the model needs in a tab-separated header.", e);
        }
        var score = outputSchema.GetColumnOrNull("Score");
        if (score is not { Type: NumberDataViewType t } || t != NumberDataViewType.Single)
            throw new InvalidDataException(score == null
                ? $"'{model}' adds no 'Score' column; score writes one Single Score per row (recommender, regression and binary-classification models)."
                : $"'{model}' has a 'Score' column of type {score.Value.Type}, not Single: it looks like a multiclass model (one score per class). " +
                  "score writes one Single Score per row and works with recommender, regression and binary-classification models.");

        foreach (var w in rows.Warnings) error.WriteLine($"mlnet-rec: warning: {w}");
        var scores = transformer.Transform(rows.Rows).GetColumn<float>(score.Value.Name).ToArray();
        using var writer = output == null ? Console.Out : new StreamWriter(output);
        writer.WriteLine("Score");
        foreach (var s in scores) writer.WriteLine(s.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static void CheckOutput(string output)
    {
        if (Directory.Exists(output)) throw new UsageException($"--output: '{output}' is a directory; give a file path such as {Path.Combine(output, "scores.tsv")}");
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(directory)) throw new UsageException($"--output: the directory '{directory}' does not exist; create it first or choose another path");
    }
}
