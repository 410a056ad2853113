using System.Globalization;

namespace MLNetRecExtensions.Cli;

/// <summary>Parsed arguments of <c>mlnet-rec compare</c>.</summary>
internal sealed record CompareArguments(DatasetSpec Dataset, string Split, int K, int Seed, string OutputDirectory)
{
    public const string Usage =
        "usage: mlnet-rec compare [--dataset synthetic|movielens-100k:PATH|movielens-1m:PATH|csv:PATH] " +
        "[--split random|stratified|temporal] [--k N] [--seed N] [--out DIR]\n       " + SessionCompareCommand.Usage;

    private static readonly string[] Splits = ["random", "stratified", "temporal"];

    public static CompareArguments Parse(IReadOnlyList<string> args)
    {
        var dataset = new DatasetSpec("synthetic", null);
        string split = "stratified", output = "mlnet-rec-out";
        int k = 10, seed = 42;
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            string Value() => a + 1 < args.Count ? args[++a] : throw new UsageException($"option {name} needs a value");
            switch (name)
            {
                case "--dataset": dataset = DatasetSpec.Parse(Value()); break;
                case "--split":
                    split = Value().ToLowerInvariant();
                    if (!Splits.Contains(split)) throw new UsageException($"--split must be one of {string.Join(", ", Splits)}, got '{split}'");
                    break;
                case "--k": k = PositiveInt(name, Value()); break;
                case "--seed": seed = Int(name, Value()); break;
                case "--out": output = Value(); break;
                default: throw new UsageException($"unknown option '{name}'");
            }
        }
        return new CompareArguments(dataset, split, k, seed, output);
    }

    private static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new UsageException($"{option} must be an integer, got '{value}'");

    private static int PositiveInt(string option, string value)
    {
        int v = Int(option, value);
        return v >= 1 ? v : throw new UsageException($"{option} must be at least 1, got {v}");
    }
}

/// <summary>A dataset named on the command line: a kind and, for files, a path.</summary>
internal sealed record DatasetSpec(string Kind, string? Path)
{
    private static readonly string[] FileKinds = ["movielens-100k", "movielens-1m", "csv"];

    public static DatasetSpec Parse(string text)
    {
        if (text == "synthetic") return new DatasetSpec("synthetic", null);
        int colon = text.IndexOf(':');
        string kind = colon < 0 ? text : text[..colon];
        if (!FileKinds.Contains(kind))
            throw new UsageException($"--dataset must be synthetic, movielens-100k:PATH, movielens-1m:PATH or csv:PATH, got '{text}'");
        string path = colon < 0 ? "" : text[(colon + 1)..];
        if (path.Length == 0) throw new UsageException($"--dataset {kind} needs a path: {kind}:PATH");
        if (!File.Exists(path)) throw new UsageException($"--dataset {kind}: file not found: {path}");
        return new DatasetSpec(kind, path);
    }

    public override string ToString() => Path == null ? Kind : $"{Kind} ({System.IO.Path.GetFileName(Path)})";
}
