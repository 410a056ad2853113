using MLNetRecExtensions.Data;
using MLNetRecExtensions.ModelSelection;

namespace MLNetRecExtensions.Cli;

/// <summary>Parsed arguments of <c>mlnet-rec compare</c>.</summary>
internal sealed record CompareArguments(DatasetSpec Dataset, string Split, int K, int Seed, string OutputDirectory,
    DataFileOptions Files, string? TrainPath, string? TestPath, IReadOnlyList<RecommenderKind>? Models,
    InteractionLoadOptions? LoadOptions = null)
{
    private static readonly string[] Splits = ["random", "stratified", "temporal"];

    private static readonly Dictionary<string, DuplicatePolicy> DuplicatePolicies = new()
    {
        ["error"] = DuplicatePolicy.Error, ["mean"] = DuplicatePolicy.Mean, ["last"] = DuplicatePolicy.Last,
        ["sum"] = DuplicatePolicy.Sum, ["keep"] = DuplicatePolicy.KeepAll,
    };

    public static readonly CommandSpec Spec = new("compare",
        "fit several recommenders on one split and print the leaderboard side by side",
        [
            new("--dataset", "D", "synthetic", "synthetic | movielens-100k:PATH | movielens-1m:PATH | csv:PATH (ML.NET tutorial header) | FILE (any delimited file, see the column options)"),
            new("--train", "FILE", "none", "training interactions: use with --test instead of --dataset and --split"),
            new("--test", "FILE", "none", "test interactions, read with the training key mapping (unknown users/items dropped)"),
            .. DataFileOptions.Specs,
            new("--split", "S", "stratified", "random | stratified | temporal (ignored with --train/--test)"),
            new("--models", "LIST", "popularity,mf,ials,twotower", $"models on the board: {ModelList.Accepted}"),
            new("--k", "N", "10", "cut-off of the metrics"),
            new("--seed", "N", "42", "seed of the split and the models"),
            new("--out", "DIR", "mlnet-rec-out", "folder of leaderboard.md and leaderboard.png"),
            new("--rating-range", "MIN:MAX", "none", "reject ratings outside the range (e.g. 1:5)"),
            new("--duplicates", "P", "the loader's default", "repeated (user, item) rows: error | mean | last | sum | keep"),
        ],
        CommandSpec.FileFormats);

    public static string Usage => Spec.Usage;

    public static CompareArguments Parse(IReadOnlyList<string> args)
    {
        var o = Spec.Parse(args);
        var dataset = o.Get("--dataset") is { } d ? DatasetSpec.Parse(d) : new DatasetSpec("synthetic", null);
        string split = o.Get("--split", "stratified").ToLowerInvariant();
        if (!Splits.Contains(split)) throw new UsageException($"--split must be one of {string.Join(", ", Splits)}, got '{split}'");
        var train = o.ExistingFile("--train");
        var test = o.ExistingFile("--test");
        if ((train == null) != (test == null)) throw new UsageException("--train and --test go together");
        if (train != null && o.Has("--dataset")) throw new UsageException("give either --dataset or --train with --test, not both");
        var models = o.Get("--models") is { } m ? ModelList.Parse(m.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) : null;
        InteractionLoadOptions? load = null;
        if (o.Get("--rating-range") is { } range)
        {
            try { (load ??= new()).RatingRange = RatingRange.Parse(range); }
            catch (FormatException) { throw new UsageException($"--rating-range must be MIN:MAX with MIN <= MAX (e.g. 1:5 or 0.5:5), got '{range}'"); }
        }
        if (o.Get("--duplicates") is { } policyText)
        {
            string policy = policyText.ToLowerInvariant();
            (load ??= new()).Duplicates = DuplicatePolicies.TryGetValue(policy, out var p) ? p
                : throw new UsageException($"--duplicates must be one of {string.Join(", ", DuplicatePolicies.Keys)}, got '{policy}'");
        }
        string output = o.Get("--out", "mlnet-rec-out");
        // Checked before any training, so a bad output path fails in a second, not after the leaderboard is computed.
        if (File.Exists(output))
            throw new UsageException($"--out must be a directory, but '{output}' is an existing file; choose a directory (it is created when missing)");
        return new CompareArguments(train != null ? new DatasetSpec("file", train) : dataset, split, o.Int("--k", 10, 1), o.Int("--seed", 42),
            output, DataFileOptions.From(o), train, test, models, load);
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
        {
            if (File.Exists(text)) return new DatasetSpec("file", text);
            throw new UsageException($"--dataset must be synthetic, movielens-100k:PATH, movielens-1m:PATH, csv:PATH or an existing FILE, got '{text}'");
        }
        string path = colon < 0 ? "" : text[(colon + 1)..];
        if (path.Length == 0) throw new UsageException($"--dataset {kind} needs a path: {kind}:PATH");
        if (!File.Exists(path)) throw new UsageException($"--dataset {kind}: file not found: {path}");
        return new DatasetSpec(kind, path);
    }

    public override string ToString() => Path == null ? Kind : $"{Kind} ({System.IO.Path.GetFileName(Path)})";
}
