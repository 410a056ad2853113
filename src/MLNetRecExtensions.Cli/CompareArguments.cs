using System.Globalization;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Cli;

/// <summary>Parsed arguments of <c>mlnet-rec compare</c>.</summary>
internal sealed record CompareArguments(DatasetSpec Dataset, string Split, int K, int Seed, string OutputDirectory,
    InteractionLoadOptions? LoadOptions = null)
{
    public const string Usage =
        "usage: mlnet-rec compare [--dataset synthetic|movielens-100k:PATH|movielens-1m:PATH|csv:PATH] " +
        "[--split random|stratified|temporal] [--k N] [--seed N] [--out DIR] [--rating-range MIN:MAX] [--duplicates error|mean|last|sum|keep]";

    private static readonly string[] Splits = ["random", "stratified", "temporal"];

    private static readonly Dictionary<string, DuplicatePolicy> DuplicatePolicies = new()
    {
        ["error"] = DuplicatePolicy.Error, ["mean"] = DuplicatePolicy.Mean, ["last"] = DuplicatePolicy.Last,
        ["sum"] = DuplicatePolicy.Sum, ["keep"] = DuplicatePolicy.KeepAll,
    };

    public static CompareArguments Parse(IReadOnlyList<string> args)
    {
        var dataset = new DatasetSpec("synthetic", null);
        string split = "stratified", output = "mlnet-rec-out";
        int k = 10, seed = 42;
        InteractionLoadOptions? load = null;
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
                case "--rating-range":
                    string range = Value();
                    try { (load ??= new()).RatingRange = RatingRange.Parse(range); }
                    catch (FormatException) { throw new UsageException($"--rating-range must be MIN:MAX with MIN <= MAX (e.g. 1:5 or 0.5:5), got '{range}'"); }
                    break;
                case "--duplicates":
                    string policy = Value().ToLowerInvariant();
                    (load ??= new()).Duplicates = DuplicatePolicies.TryGetValue(policy, out var p) ? p
                        : throw new UsageException($"--duplicates must be one of {string.Join(", ", DuplicatePolicies.Keys)}, got '{policy}'");
                    break;
                default: throw new UsageException($"unknown option '{name}'");
            }
        }
        // Checked before any training, so a bad output path fails in a second, not after the leaderboard is computed.
        if (File.Exists(output))
            throw new UsageException($"--out must be a directory, but '{output}' is an existing file; choose a directory (it is created when missing)");
        return new CompareArguments(dataset, split, k, seed, output, load);
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
