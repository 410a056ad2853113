using System.Globalization;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Recommendation;
using Spectre.Console;

namespace MLNetRecExtensions.Cli;

/// <summary><c>mlnet-rec evaluate</c>: ranking metrics of a saved model.zip on the user's own test file.</summary>
internal static class EvaluateCommand
{
    public static readonly CommandSpec Spec = new("evaluate",
        "ranking metrics of a model.zip written by mlnet-rec recommendation on your test file",
        [
            new("--model", "FILE", "required", "model.zip written by mlnet-rec recommendation"),
            new("--dataset", "FILE", "required", "test interactions (every user in it is evaluated)"),
            new("--train", "FILE", "none", "training interactions: their items are removed from the lists (same column options)"),
            .. DataFileOptions.Specs,
            new("--k", "N", "10", "cut-off of the metrics; at most the K model.zip was written with (recommendation --k), else exit 2"),
        ],
        CommandSpec.FileFormats + "\nThe model's lists already leave out the items it was trained on; --train removes the items of another training file too.");

    public static int Run(IReadOnlyList<string> args)
    {
        var o = Spec.Parse(args);
        var modelPath = o.Get("--model") ?? throw new UsageException("--model FILE is required; see mlnet-rec evaluate --help");
        var testPath = o.ExistingFile("--dataset") ?? throw new UsageException("--dataset FILE is required; see mlnet-rec evaluate --help");
        var trainPath = o.ExistingFile("--train");
        int k = o.Int("--k", 10, 1);
        var files = DataFileOptions.From(o);
        var test = InteractionLoaders.ReadDelimited(testPath, files.Format(testPath));
        var train = trainPath == null ? null : InteractionLoaders.ReadDelimited(trainPath, files.Format(trainPath));

        var engine = ModelFile.Load(new MLContext(0), modelPath);
        ModelFile.CheckK(modelPath, k);
        var users = test.Users.Distinct().Select(u => test.UserIds![u]).ToList();
        int cold = 0;
        var lists = users.Select(u =>
        {
            var r = engine.Predict(new ModelFile.Input { User = u });
            if (r.IsColdStart) cold++;
            return new UserRecommendations<string, string>(u, r.RecommendedItems.Zip(r.RecommendedScores, (i, s) => new ScoredItem<string>(i, s)).ToList(), r.IsColdStart);
        }).ToList();
        var report = RecommendationEvaluator.Evaluate(lists, test, k, train);

        var table = new Table().Title($"{Markup.Escape(Path.GetFileName(modelPath))} on {Markup.Escape(Path.GetFileName(testPath))} (top-{k})");
        table.AddColumns("Metric", "Value");
        foreach (var (name, value) in new[]
        {
            ($"Precision@{k}", report.Precision), ($"Recall@{k}", report.Recall), ($"NDCG@{k}", report.Ndcg), ($"MAP@{k}", report.Map),
            ($"MRR@{k}", report.Mrr), ($"HitRate@{k}", report.HitRate), ("Catalog coverage", report.CatalogCoverage),
        })
            table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture));
        table.AddRow("Users evaluated", report.UsersEvaluated.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Users unknown to the model", cold.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    }
}
