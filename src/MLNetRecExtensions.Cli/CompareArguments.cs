using MLNetRecExtensions.ModelSelection;

namespace MLNetRecExtensions.Cli;

/// <summary>Parsed arguments of <c>mlnet-rec compare</c>.</summary>
internal sealed record CompareArguments(DatasetSpec Dataset, string Split, int K, int Seed, string OutputDirectory,
    DataFileOptions Files, string? TrainPath, string? TestPath, IReadOnlyList<RecommenderKind>? Models)
{
    private static readonly string[] Splits = ["random", "stratified", "temporal"];

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
        return new CompareArguments(train != null ? new DatasetSpec("file", train) : dataset, split, o.Int("--k", 10, 1), o.Int("--seed", 42),
            o.Get("--out", "mlnet-rec-out"), DataFileOptions.From(o), train, test, models);
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
