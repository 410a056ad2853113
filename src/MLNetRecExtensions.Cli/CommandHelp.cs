namespace MLNetRecExtensions.Cli;

/// <summary>The <c>--help</c> texts and the dispatch table of every command.</summary>
internal static class CommandHelp
{
    /// <summary>Help of <c>score</c> (its parsing lives in <see cref="ScoreCommand"/>).</summary>
    public static readonly CommandSpec Score = new("score",
        "score (user, item) rows with any model saved by mlContext.Model.Save",
        [
            new("--model", "FILE", "required", "a model.zip saved with mlContext.Model.Save"),
            new("--input", "FILE", "required", "tab-separated rows with a header naming the model's input columns"),
            new("--output", "FILE", "standard output", "write the Score column here (round-trip float text)"),
        ]);

    /// <summary>Every command with its help.</summary>
    public static readonly CommandSpec[] All =
        [RecommendationCommand.Spec, RecommendCommand.Spec, EvaluateCommand.Spec, CompareArguments.Spec, Score];

    public static string Overview() =>
        $"mlnet-rec {CommandSpec.Version} — recommender systems for ML.NET\n\nusage: mlnet-rec COMMAND [options]   (mlnet-rec COMMAND --help for its options and defaults)\n\ncommands:\n" +
        string.Join("\n", All.Select(c => $"  {c.Name,-16} {c.Summary}"));
}
