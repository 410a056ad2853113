using System.Globalization;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.ModelSelection;
using MLNetRecExtensions.Recommendation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec recommendation</c>, Model Builder style: reads the user's file, searches the library's recommenders
/// inside a time budget (<see cref="RecommenderSearch"/>), refits the best on all training data, scores it on the
/// test data and writes model.zip, the config, the leaderboard and the generated code. All of the work is the
/// library's; this class only wires it and draws it.
/// </summary>
internal static class RecommendationCommand
{
    public static readonly CommandSpec Spec = new("recommendation",
        "train a recommender from your file: automatic model selection inside a time budget, model.zip, config, leaderboard and code",
        [
            new("--dataset", "FILE", "required (or --config)", "training interactions"),
            new("--test-dataset", "FILE", "none: 25 % of each user's rows are held out (temporal with --time-col)", "test interactions, scored with the training key mapping"),
            .. DataFileOptions.Specs,
            new("--train-time", "SECONDS", "60", "exploration budget: no trial starts after it"),
            new("--optimizing-metric", "M@K", "ndcg@10", "metric maximized on the validation set: ndcg, precision, recall, map, mrr, hitrate (@K)"),
            new("--k", "N", "10", "recommendations per user (stored in model.zip)"),
            new("--models", "LIST", "popularity,ials,mf,twotower,twostage", "families to try (mf only on rated data)"),
            new("--seed", "N", "42", "seed of the splits, the trainers and the search"),
            new("--max-trials", "N", "unlimited", "stop after this many trials"),
            new("--config", "FILE", "none", "repeat the run described by a recommendation.mbconfig written earlier"),
            new("--output", "DIR", "mlnet-rec-model", "output folder", "-o"),
        ],
        CommandSpec.FileFormats + "\nWrites: model.zip (plain ML.NET model: user id in, RecommendedItems/RecommendedScores/IsColdStart out), " +
        "recommendation.mbconfig (JSON), leaderboard.md, leaderboard.png, Consumption/ and Training/ C# projects.");

    public static int Run(IReadOnlyList<string> args)
    {
        var o = Spec.Parse(args);
        var (dataset, training) = Settings(o);
        string output = o.Get("--output", "mlnet-rec-model");
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);

        var (metric, metricK) = ParseMetric(training.OptimizingMetric);
        var kinds = ModelList.Parse(training.Models);
        var format = dataset.Options.Format(dataset.Path);
        var all = InteractionLoaders.ReadDelimited(dataset.Path, format);
        AnsiConsole.MarkupLine($"[bold]mlnet-rec recommendation[/] — {Markup.Escape(dataset.Path)}: {all.Count:N0} interactions, {all.UserCount:N0} users, {all.ItemCount:N0} items{(RecommenderSearch.HasRatings(all) ? ", rated" : ", implicit")}");

        // Test data: the user's file in the training key space, or a per-user hold-out.
        InteractionData train, test;
        string testSplit;
        if (dataset.TestPath != null)
        {
            var keyed = KeyRemapping.ReadDelimited(dataset.TestPath, dataset.Options.Format(dataset.TestPath), all);
            (train, test) = (all, keyed.Interactions);
            testSplit = $"file {dataset.TestPath}: {keyed.RowsRead} rows, {keyed.RowsWithUnknownUser} with unknown users and {keyed.RowsWithUnknownItem} with unknown items dropped";
        }
        else
        {
            var split = all.Timestamps != null ? InteractionSplits.TemporalByUserFraction(all, 0.25) : InteractionSplits.RecommendersStratifiedByUser(all, 0.75, training.Seed);
            (train, test) = (split.Train, split.Test);
            testSplit = all.Timestamps != null ? "per user, latest 25 % by time" : $"per user stratified 75/25 (Recommenders python_stratified_split, seed {training.Seed})";
        }
        var validation = RecommenderSearch.ValidationSplit(train, training.Seed);
        string validationSplit = train.Timestamps != null ? "per user, latest 20 % of training rows by time" : $"per user stratified 80/20 of training rows (seed {training.Seed})";
        AnsiConsole.MarkupLine($"Test: {Markup.Escape(testSplit)} → {test.Count:N0} rows. Validation: {Markup.Escape(validationSplit)} → {validation.Test.Count:N0} rows.");

        var ml = new MLContext(training.Seed);
        var searchOptions = new RecommenderSearchOptions
        {
            TrainingTime = TimeSpan.FromSeconds(training.TrainTimeSeconds),
            OptimizingMetric = metric,
            K = metricK,
            Seed = training.Seed,
            Models = kinds,
            TwoStageRanker = TwoStageRanker.Create,
            MaxTrials = o.Int("--max-trials", int.MaxValue, 1),
        };
        var result = SearchWithLiveTable(ml, searchOptions, validation, metric.Label(metricK));
        var best = result.Best;
        AnsiConsole.MarkupLine($"Best: [green]{best.Settings.Kind}[/] ({Markup.Escape(best.Settings.Describe())}), validation {metric.Label(metricK)} = {best.Metric:F4}. Refitting on all {train.Count:N0} training rows…");

        var fitted = FittedRecommender.Fit(ml, best.Settings, train, training.Seed, training.K, TwoStageRanker.Create);
        var testReport = RecommendationEvaluator.Evaluate(fitted.Recommender, test, training.K);
        var popularity = FittedRecommender.Fit(ml, TrialSettings.Defaults(RecommenderKind.Popularity), train, training.Seed, training.K);
        var popularityReport = RecommendationEvaluator.Evaluate(popularity.Recommender, test, training.K);
        AnsiConsole.MarkupLine($"Test ({testReport.UsersEvaluated} users): NDCG@{training.K} = [green]{testReport.Ndcg:F4}[/], Precision = {testReport.Precision:F4}, Recall = {testReport.Recall:F4}, MAP = {testReport.Map:F4} (popularity: NDCG@{training.K} = {popularityReport.Ndcg:F4})");

        Directory.CreateDirectory(output);
        var modelPath = Path.Combine(output, "model.zip");
        ModelFile.Save(ml, fitted.Recommender, training.K, modelPath);
        var config = new ExperimentConfig(1, "recommendation", dataset with { Path = Path.GetFullPath(dataset.Path), TestPath = dataset.TestPath == null ? null : Path.GetFullPath(dataset.TestPath) },
            training, testSplit, validationSplit, result.Trials.Select(Record).ToList(), Record(best),
            Metrics(testReport, popularityReport), CommandSpec.Version);
        config.Save(Path.Combine(output, "recommendation.mbconfig"));
        TrialBoard.Write(result, metric.Label(metricK), output);
        CodeGenerator.Write(output, config, best.Settings);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(modelPath)}, recommendation.mbconfig, leaderboard.md, leaderboard.png, Consumption/ and Training/ in {Markup.Escape(Path.GetFullPath(output))}.");
        return 0;
    }

    private static (DatasetSection, TrainingSection) Settings(ParsedOptions o)
    {
        if (o.Get("--config") is { } configPath)
        {
            var config = ExperimentConfig.Load(configPath);
            if (!File.Exists(config.Dataset.Path)) throw new UsageException($"--config: the dataset {config.Dataset.Path} named in {configPath} no longer exists");
            return (config.Dataset, config.Training);
        }
        var path = o.ExistingFile("--dataset") ?? throw new UsageException("--dataset FILE is required (or --config FILE); see mlnet-rec recommendation --help");
        var files = DataFileOptions.From(o);
        var metric = o.Get("--optimizing-metric", "ndcg@10");
        ParseMetric(metric);
        var models = o.Get("--models", "popularity,ials,mf,twotower,twostage").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        ModelList.Parse(models);
        return (new DatasetSection(path, o.ExistingFile("--test-dataset"), files.UserColumn, files.ItemColumn, files.RatingColumn, files.TimeColumn, files.HasHeader, files.Separator),
            new TrainingSection(o.Double("--train-time", 60, 1), metric, o.Int("--k", 10, 1), o.Int("--seed", 42, 0), models));
    }

    private static (RankingMetric, int) ParseMetric(string text)
    {
        try { return RankingMetrics.Parse(text); }
        catch (FormatException e) { throw new UsageException($"--optimizing-metric: {e.Message}"); }
    }

    private static RecommenderSearchResult SearchWithLiveTable(MLContext ml, RecommenderSearchOptions options, InteractionSplit validation, string metricLabel)
    {
        var table = new Table().Title("Trials").AddColumns("#", "Model", "Settings", metricLabel, "Seconds");
        string running = "";
        TimeSpan elapsed = TimeSpan.Zero;
        IRenderable View() => new Rows(table, new Markup(ProgressLine(elapsed, options.TrainingTime, running)));
        void OnProgress(RecommenderSearchProgress p, Action refresh)
        {
            elapsed = p.Elapsed;
            if (p.Started != null) running = $"running {p.Started.Kind} ({p.Started.Describe()})";
            if (p.Completed is { } t)
            {
                running = "";
                table.AddRow(t.Number.ToString(CultureInfo.InvariantCulture), t.Settings.Kind.ToString(), Markup.Escape(t.Settings.Describe()),
                    t.Error == null ? t.Metric.ToString("F4", CultureInfo.InvariantCulture) : $"[red]failed: {Markup.Escape(t.Error)}[/]",
                    t.Seconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            refresh();
        }

        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            options.Progress = new SynchronousProgress<RecommenderSearchProgress>(p =>
            {
                if (p.Completed is { } t)
                    AnsiConsole.WriteLine($"trial {t.Number}: {t.Settings.Kind} ({t.Settings.Describe()}) {metricLabel} = {(t.Error == null ? t.Metric.ToString("F4", CultureInfo.InvariantCulture) : "failed: " + t.Error)} in {t.Seconds:F1} s [{p.Elapsed.TotalSeconds:F0}/{p.Budget.TotalSeconds:F0} s]");
            });
            var r = new RecommenderSearch(ml, options).Run(validation);
            OnProgress(new RecommenderSearchProgress(null, null, r.Elapsed, options.TrainingTime), () => { });
            return r;
        }
        RecommenderSearchResult? result = null;
        AnsiConsole.Live(View()).Start(ctx =>
        {
            options.Progress = new SynchronousProgress<RecommenderSearchProgress>(p => OnProgress(p, () => ctx.UpdateTarget(View())));
            result = new RecommenderSearch(ml, options).Run(validation);
            running = "done";
            ctx.UpdateTarget(View());
        });
        return result!;
    }

    private static string ProgressLine(TimeSpan elapsed, TimeSpan budget, string running)
    {
        const int width = 40;
        double share = Math.Clamp(elapsed / budget, 0, 1);
        int filled = (int)Math.Round(share * width);
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] {elapsed.TotalSeconds:F0}/{budget.TotalSeconds:F0} s {Markup.Escape(running)}";
    }

    private static TrialRecord Record(SearchTrial t) =>
        new(t.Number, t.Settings.Kind.ToString(), t.Settings.Parameters.ToDictionary(p => p.Key, p => p.Value), t.Metric, Math.Round(t.Seconds, 3), t.Error);

    private static Dictionary<string, double> Metrics(RankingReport r, RankingReport popularity) => new()
    {
        ["precision"] = r.Precision, ["recall"] = r.Recall, ["ndcg"] = r.Ndcg, ["map"] = r.Map, ["mrr"] = r.Mrr, ["hitRate"] = r.HitRate,
        ["catalogCoverage"] = r.CatalogCoverage, ["usersEvaluated"] = r.UsersEvaluated, ["popularityNdcg"] = popularity.Ndcg,
    };
}
