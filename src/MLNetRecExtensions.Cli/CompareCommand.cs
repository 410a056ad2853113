using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using Spectre.Console;

namespace MLNetRecExtensions.Cli;

/// <summary><c>mlnet-rec compare</c>: fits every model on one split and prints the leaderboard.</summary>
internal static class CompareCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        var arguments = CompareArguments.Parse(args);
        // Redirected output (CI logs, pipes) would otherwise be wrapped at 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        var ml = new MLContext(arguments.Seed);

        AnsiConsole.MarkupLine($"[bold]mlnet-rec compare[/] — dataset [cyan]{Markup.Escape(arguments.Dataset.ToString())}[/], split [cyan]{arguments.Split}[/], k={arguments.K}, seed={arguments.Seed}");
        // The output directory is created (or fails) before any training.
        Directory.CreateDirectory(arguments.OutputDirectory);
        var load = arguments.LoadOptions ?? new Data.InteractionLoadOptions();
        load.Warnings ??= w => AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        var dataset = LoadedDataset.Load(arguments.Dataset, arguments.Seed, load, arguments.Files);
        var split = arguments.TestPath != null
            ? new InteractionSplit(dataset.Interactions,
                KeyRemapping.ReadDelimited(arguments.TestPath, arguments.Files.Format(arguments.TestPath), dataset.Interactions).Interactions)
            : dataset.Split(arguments.Split, arguments.Seed);
        AnsiConsole.MarkupLine($"Loaded {Markup.Escape(dataset.Name)}: train {split.Train.Count:N0} rows, test {split.Test.Count:N0} rows.");
        if (!dataset.HasRatings)
            AnsiConsole.MarkupLine("[yellow]note:[/] every label is the same (implicit feedback), so the rating model (MF explicit) and RMSE/MAE are left out.");
        if (arguments.K > split.Train.ItemCount)
            AnsiConsole.MarkupLine($"[yellow]warning:[/] --k {arguments.K} is larger than the catalog ({split.Train.ItemCount:N0} items); see the leaderboard's note.");

        var comparison = ComparisonModels.Create(ml, dataset, arguments.Seed,
            line => AnsiConsole.MarkupLine($"[grey]      {Markup.Escape(line)}[/]"), arguments.Models);
        var options = new ComparisonOptions
        {
            K = arguments.K,
            ItemGroups = dataset.ItemGroups,
            DataViewFactory = dataset.SideFeatures is { } side ? rows => side.ToDataView(ml, rows) : null,
            Progress = new SynchronousProgress<ComparisonProgress>(p =>
            {
                if (p.Stage == "fit") AnsiConsole.MarkupLine($"[grey][[{p.ModelIndex + 1}/{p.ModelCount}]][/] {Markup.Escape(p.Model)}: fitting…");
                else if (p.Stage == "recommend") AnsiConsole.MarkupLine($"[grey][[{p.ModelIndex + 1}/{p.ModelCount}]][/] {Markup.Escape(p.Model)}: recommending top-{arguments.K}…");
            }),
        };
        var board = comparison.Run(split, arguments.TestPath != null ? $"{dataset.Name}, test {Path.GetFileName(arguments.TestPath)}" : $"{dataset.Name}, {arguments.Split} split", options);

        var table = new Table().Title($"Leaderboard (top-{board.K}, seen items excluded)");
        foreach (var h in board.Headers) table.AddColumn(new TableColumn(Markup.Escape(h)) { Alignment = h == "Model" ? Justify.Left : Justify.Right });
        foreach (var row in board.Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        foreach (var w in board.Warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");

        var markdownPath = Path.Combine(arguments.OutputDirectory, "leaderboard.md");
        var chartPath = Path.Combine(arguments.OutputDirectory, "leaderboard.png");
        File.WriteAllText(markdownPath, board.ToMarkdown());
        LeaderboardChart.Save(board, chartPath);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(markdownPath)} and {Markup.Escape(chartPath)}.");
        return 0;
    }
}
