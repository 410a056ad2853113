using System.Globalization;
using MLNetRecExtensions.Sessions;
using Spectre.Console;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec compare --dataset sessions:TRAIN,TEST</c>: the session leaderboard — most popular, session popularity,
/// item-kNN and GRU4Rec with each chosen loss (<see cref="Gru4RecPresets"/>), Recall@20 / MRR@20 over the full catalog;
/// writes <c>session-leaderboard.md</c> and <c>session-leaderboard.png</c>.
/// </summary>
internal static class SessionCompareCommand
{
    public const string Usage =
        "usage: mlnet-rec compare --dataset sessions:TRAIN.tsv,TEST.tsv [--loss all|crossentropy,bprmax,bpr,top1,top1max] " +
        "[--epochs N] [--seed N] [--threads N] [--out DIR]";

    /// <summary>True when the arguments name a session dataset.</summary>
    public static bool Handles(IReadOnlyList<string> args)
    {
        for (int a = 0; a + 1 < args.Count; a++)
            if (args[a] == "--dataset" && args[a + 1].StartsWith("sessions:", StringComparison.Ordinal)) return true;
        return false;
    }

    public static int Run(IReadOnlyList<string> args)
    {
        string? train = null, test = null;
        string output = "mlnet-rec-out";
        var losses = Enum.GetValues<Gru4RecLoss>().ToList();
        int epochs = 10, seed = 42, threads = 1;
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            string Value() => a + 1 < args.Count ? args[++a] : throw new UsageException($"option {name} needs a value");
            switch (name)
            {
                case "--dataset":
                    var files = Value()["sessions:".Length..].Split(',');
                    if (files.Length != 2 || files.Any(string.IsNullOrWhiteSpace)) throw new UsageException("--dataset sessions: needs two files: sessions:TRAIN.tsv,TEST.tsv");
                    foreach (var f in files) if (!File.Exists(f)) throw new UsageException($"--dataset sessions: file not found: {f}");
                    (train, test) = (files[0], files[1]);
                    break;
                case "--loss": losses = ParseLosses(Value()); break;
                case "--epochs": epochs = Positive(name, Value()); break;
                case "--seed": seed = Int(name, Value()); break;
                case "--threads": threads = Positive(name, Value()); break;
                case "--out": output = Value(); break;
                default: throw new UsageException($"unknown option '{name}' for a session dataset; {Usage}");
            }
        }
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        var split = SessionSplit.ReadFiles(train!, test!);
        AnsiConsole.MarkupLine($"[bold]mlnet-rec compare[/] — sessions [cyan]{Markup.Escape(Path.GetFileName(train!))}[/] → [cyan]{Markup.Escape(Path.GetFileName(test!))}[/]: " +
            $"train {split.Train.EventCount:N0} events in {split.Train.SessionCount:N0} sessions, {split.Train.ItemCount:N0} items; {split.Test.ExampleCount:N0} test predictions");
        foreach (var w in split.Train.Warnings.Concat(split.Test.Warnings)) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        var models = losses.Select(l => ($"GRU4Rec {l}", Gru4RecPresets.For(l, epochs, seed, threads)));
        var board = SessionComparison.Run(split, $"{Path.GetFileName(train!)} → {Path.GetFileName(test!)}", models,
            line => AnsiConsole.MarkupLine($"[grey]      {Markup.Escape(line)}[/]"));

        var table = new Table().Title("Session leaderboard (next item, full catalog, ties count against)");
        foreach (var h in new[] { "Model", "Recall@20", "MRR@20", "fit s", "events/s" })
            table.AddColumn(new TableColumn(h) { Alignment = h == "Model" ? Justify.Left : Justify.Right });
        var inv = CultureInfo.InvariantCulture;
        foreach (var e in board.Entries)
            table.AddRow(Markup.Escape(e.Model), e.Metrics.Recall(20).ToString("F4", inv), e.Metrics.Mrr(20).ToString("F4", inv),
                e.FitSeconds.ToString("F1", inv), e.EventsPerSecond?.ToString("F0", inv) ?? "—");
        AnsiConsole.Write(table);

        Directory.CreateDirectory(output);
        var markdownPath = Path.Combine(output, "session-leaderboard.md");
        var chartPath = Path.Combine(output, "session-leaderboard.png");
        File.WriteAllText(markdownPath, board.ToMarkdown());
        SaveChart(board, chartPath);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(markdownPath)} and {Markup.Escape(chartPath)}.");
        return 0;
    }

    private static List<Gru4RecLoss> ParseLosses(string text)
    {
        if (text.Equals("all", StringComparison.OrdinalIgnoreCase)) return Enum.GetValues<Gru4RecLoss>().ToList();
        var result = new List<Gru4RecLoss>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            result.Add(Enum.TryParse<Gru4RecLoss>(part.Replace("-", ""), ignoreCase: true, out var l) && Enum.IsDefined(l)
                ? l : throw new UsageException($"--loss: unknown loss '{part}'; use all or a list of {string.Join(", ", Enum.GetNames<Gru4RecLoss>())}"));
        return result;
    }

    private static void SaveChart(SessionLeaderboard board, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var metrics = new (string Name, Func<SessionMetrics, double> Value)[] { ("Recall@20", m => m.Recall(20)), ("MRR@20", m => m.Mrr(20)) };
        int models = board.Entries.Count;
        for (int m = 0; m < models; m++)
        {
            var bars = metrics.Select((x, k) => new ScottPlot.Bar { Position = k * (models + 1) + m, Value = x.Value(board.Entries[m].Metrics), FillColor = palette.GetColor(m) }).ToList();
            plot.Add.Bars(bars).LegendText = board.Entries[m].Model;
        }
        plot.Axes.Bottom.SetTicks(metrics.Select((_, k) => k * (models + 1) + (models - 1) / 2.0).ToArray(), metrics.Select(x => x.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Next-item metrics — {board.Dataset}");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 1100, 550);
    }

    private static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new UsageException($"{option} must be an integer, got '{value}'");

    private static int Positive(string option, string value)
    {
        int v = Int(option, value);
        return v >= 1 ? v : throw new UsageException($"{option} must be at least 1, got {v}");
    }
}
