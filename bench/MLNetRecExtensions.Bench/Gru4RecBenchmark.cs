using System.Diagnostics;
using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// GRU4Rec on the YOOCHOOSE rsc15-100k sample (train_full → test). Default: training events/s of the official best
/// cross-entropy setting at 1 and 2 threads, interleaved (1, 2, 1, 2, …; one epoch per run), with Recall@20 of a full
/// 10-epoch model (<c>gru4rec [rounds] [epochs]</c>: rounds, default 5; epochs of the quality model, default 10, 0 = none —
/// for interleaving with a peer run between calls). <c>quality</c>: the session leaderboard (3 baselines, 5 losses). <c>loss NAME [epochs] [threads] [seed]</c>: one loss.
/// </summary>
internal sealed class Gru4RecBenchmark : IBenchmark
{
    public string Name => "gru4rec";
    public string Description => "GRU4Rec on YOOCHOOSE 100k: training events/s at 1 and 2 threads (interleaved); 'quality' = session leaderboard";

    public void Run(string[] args)
    {
        var root = Environment.GetEnvironmentVariable("MLNETREC_DATA") ?? Path.Combine(FindRepoRoot(), "..", "shared", "data");
        var dir = Path.Combine(root, "yoochoose-rsc15-100k");
        var split = SessionSplit.ReadFiles(Path.Combine(dir, "yoochoose-clicks-100k_train_full.txt"), Path.Combine(dir, "yoochoose-clicks-100k_test.txt"));
        Console.WriteLine($"train: {split.Train.EventCount} events, {split.Train.SessionCount} sessions, {split.Train.ItemCount} items; test: {split.Test.ExampleCount} predictions");
        Console.WriteLine($"load: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (args.Length > 0 && args[0] == "quality")
        {
            int epochs = args.Length > 1 ? int.Parse(args[1]) : 10;
            var models = Enum.GetValues<Gru4RecLoss>().Select(l => ($"GRU4Rec {l}", Gru4RecPresets.For(l, epochs)));
            var board = SessionComparison.Run(split, "YOOCHOOSE rsc15-100k (train_full → test)", models, Console.WriteLine);
            Console.WriteLine(board.ToMarkdown());
            return;
        }
        if (args.Length > 0 && args[0] == "loss")
        {
            var loss = Enum.Parse<Gru4RecLoss>(args[1], ignoreCase: true);
            var o = Gru4RecPresets.For(loss, args.Length > 2 ? int.Parse(args[2]) : 10);
            if (args.Length > 3) o.NumberOfThreads = int.Parse(args[3]);
            if (args.Length > 4) o.Seed = int.Parse(args[4]);
            var model = Gru4RecEstimator.Train(split.Train, o, split.ItemIds, Console.WriteLine);
            var m = SessionEvaluator.Evaluate(model, split.Test);
            Console.WriteLine($"{loss}: Recall@20 {m.Recall(20):F4} MRR@20 {m.Mrr(20):F4} (R@1 {m.Recall(1):F4} R@5 {m.Recall(5):F4} R@10 {m.Recall(10):F4})");
            return;
        }
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
        var speeds = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
        for (int r = 0; r < rounds; r++)
            foreach (int threads in new[] { 1, 2 })
            {
                var o = Gru4RecPresets.For(Gru4RecLoss.CrossEntropy, epochs: 1, threads: threads);
                var watch = Stopwatch.StartNew();
                var model = Gru4RecEstimator.Train(split.Train, o);
                watch.Stop();
                speeds[threads].Add(model.TrainingHistory[0].EventsPerSecond);
                Console.WriteLine($"round {r + 1} threads {threads}: {model.TrainingHistory[0].EventsPerSecond:F0} events/s (epoch {model.TrainingHistory[0].Seconds:F2} s, fit incl. sample store {watch.Elapsed.TotalSeconds:F2} s)");
            }
        foreach (var (threads, list) in speeds)
        {
            list.Sort();
            Console.WriteLine($"threads {threads}: median {list[list.Count / 2]:F0} events/s (min {list[0]:F0}, max {list[^1]:F0}, {list.Count} runs)");
        }
        int qualityEpochs = args.Length > 1 ? int.Parse(args[1]) : 10;
        if (qualityEpochs <= 0) return;
        var full = Gru4RecEstimator.Train(split.Train, Gru4RecPresets.For(Gru4RecLoss.CrossEntropy, qualityEpochs));
        var metrics = SessionEvaluator.Evaluate(full, split.Test);
        Console.WriteLine($"{qualityEpochs}-epoch cross-entropy model: Recall@20 {metrics.Recall(20):F4}, MRR@20 {metrics.Mrr(20):F4}");
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
