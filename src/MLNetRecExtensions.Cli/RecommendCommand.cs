using Microsoft.ML;

namespace MLNetRecExtensions.Cli;

/// <summary><c>mlnet-rec recommend</c>: the top-K of users from a model.zip written by <c>recommendation</c>, as CSV.</summary>
internal static class RecommendCommand
{
    public static readonly CommandSpec Spec = new("recommend",
        "print or write the top-K items of users from a model.zip written by mlnet-rec recommendation",
        [
            new("--model", "FILE", "required", "model.zip written by mlnet-rec recommendation"),
            new("--user", "ID", "", "one user id (this or --users-file)"),
            new("--users-file", "FILE", "", "one user id per line (blank lines skipped)"),
            new("--items", "ID,ID,…", "", "instead of a user: recent item ids of a new user, folded in (matrix factorization models; unknown ids ignored)"),
            new("--k", "N", "10", "items per user; with --user/--users-file at most the K model.zip was written with (recommendation --k), else exit 2"),
            new("--output", "FILE", "standard output", "write the CSV here"),
        ],
        "Output: CSV with header user,item,rank,score (rank from 1), original ids. Users the model does not know get the " +
        "cold-start list (the most popular training items) and are counted in a summary line on standard error. With --items " +
        "(a new user known only by recent items) the user column is empty and the items are folded into the matrix factorization " +
        "model saved beside model.zip as history-model.zip (the given items are left out).");

    public static int Run(IReadOnlyList<string> args, TextWriter? error = null)
    {
        error ??= Console.Error;
        var o = Spec.Parse(args);
        var modelPath = o.Get("--model") ?? throw new UsageException("--model FILE is required; see mlnet-rec recommend --help");
        var user = o.Get("--user");
        var usersFile = o.ExistingFile("--users-file");
        var items = o.Get("--items");
        int k = o.Int("--k", 10, 1);
        if (items != null)
        {
            if (user != null || usersFile != null) throw new UsageException("give --items ID,ID,… alone, without --user or --users-file");
            return RunItems(modelPath, items, k, o.Get("--output"), error);
        }
        if ((user == null) == (usersFile == null)) throw new UsageException("give exactly one of --user ID and --users-file FILE");
        var users = user != null ? [user] : File.ReadLines(usersFile!).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        var engine = ModelFile.Load(new MLContext(0), modelPath);
        ModelFile.CheckK(modelPath, k);
        using var writer = o.Get("--output") is { } path ? new StreamWriter(path) : null;
        var output = writer ?? Console.Out;
        output.WriteLine("user,item,rank,score");
        int unknown = 0;
        foreach (var u in users)
        {
            var result = engine.Predict(new ModelFile.Input { User = u });
            if (result.IsColdStart) unknown++;
            foreach (var line in ModelFile.CsvLines(u, result, k)) output.WriteLine(line);
        }
        error.WriteLine($"{users.Count} users, {unknown} unknown to the model (given the cold-start list).");
        return 0;
    }

    // A new user given only recent items: the "user" column of the CSV is empty.
    private static int RunItems(string modelPath, string items, int k, string? outputPath, TextWriter error)
    {
        if (!File.Exists(modelPath)) throw new UsageException($"--model: file not found: {modelPath}");
        var given = items.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var (top, coldStart) = HistoryModelFile.Recommend(new MLContext(0), modelPath, given, k);
        using var writer = outputPath is { } path ? new StreamWriter(path) : null;
        var output = writer ?? Console.Out;
        output.WriteLine("user,item,rank,score");
        var result = new ModelFile.Output { RecommendedItems = top.Select(t => t.Item).ToArray(), RecommendedScores = top.Select(t => t.Score).ToArray() };
        foreach (var line in ModelFile.CsvLines("", result, k)) output.WriteLine(line);
        error.WriteLine(coldStart ? $"none of the {given.Length} items is known to the model: the popularity fallback." : $"folded in from {given.Length} items.");
        return 0;
    }
}
