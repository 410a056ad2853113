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
            new("--k", "N", "10 (at most the K the model was trained with)", "items per user"),
            new("--output", "FILE", "standard output", "write the CSV here"),
        ],
        "Output: CSV with header user,item,rank,score (rank from 1), original ids. Users the model does not know get the " +
        "cold-start list (the most popular training items) and are counted in a summary line on standard error.");

    public static int Run(IReadOnlyList<string> args, TextWriter? error = null)
    {
        error ??= Console.Error;
        var o = Spec.Parse(args);
        var modelPath = o.Get("--model") ?? throw new UsageException("--model FILE is required; see mlnet-rec recommend --help");
        var user = o.Get("--user");
        var usersFile = o.ExistingFile("--users-file");
        if ((user == null) == (usersFile == null)) throw new UsageException("give exactly one of --user ID and --users-file FILE");
        int k = o.Int("--k", 10, 1);
        var users = user != null ? [user] : File.ReadLines(usersFile!).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        var engine = ModelFile.Load(new MLContext(0), modelPath);
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
}
