using System.Diagnostics;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>foldin</c>: new interactions without a full retrain, on MovieLens-100K with implicit ALS (the library defaults:
/// rank 64, λ 20, α 1, w0 1, 15 iterations, 2 threads, seed 0; every rating is one interaction).
/// <list type="number">
/// <item>Cold users: per-user stratified 75/25 (seed 42); 10 % of the users (seed 42) are held out of training
/// entirely; each held-out user's first N (3, 5, 10) training-side interactions by time are the given history; Recall@10
/// and NDCG@10 on the rest of their interactions (both sides; the test side alone in a second column) for fold-in vs
/// the popularity fallback vs a full refit that includes the histories. Plus fold-in µs per user.</item>
/// <item>Incremental update: the latest 1 % (by time) of the stratified training side arrives after a model was
/// trained on the other 99 %; <see cref="MatrixFactorizationUpdate"/> vs a full refit on 100 % — seconds
/// (interleaved A B A B, 7 each: wall-clock min and median, process CPU time median), ratio, and NDCG@10 / Recall@10 on the test side.</item>
/// </list>
/// Args: [path to u.data] (default ../shared/data/movielens-100k/u.data); "cold" or "update" runs one part only; "twotower" adds
/// the two-tower (defaults) answering the cold users through the same history call;
/// "lambda=…", "alpha=…", "w0=…", "rank=…" change the ALS options.
/// </summary>
internal sealed class FoldInBenchmark : IBenchmark
{
    private const int K = 10;

    public string Name => "foldin";
    public string Description => "fold-in of held-out users (Recall@10 vs popularity vs full refit, µs/user) and 1 % incremental update vs refit on ML-100K";

    public void Run(string[] args)
    {
        var path = args.FirstOrDefault(a => a.EndsWith("u.data", StringComparison.Ordinal)) ?? MatrixFactorizationBenchmark.FindData();
        var data = InteractionLoaders.ReadMovieLens100K(path);
        Console.WriteLine($"MovieLens-100K: {data.UserCount} users, {data.ItemCount} items, {data.Count} ratings; load {Load()}");
        Console.WriteLine("Shared 2-core machine: other engineers' builds and tests run at the same time; times are noisy.");
        var ml = new MLContext(42);
        var (train, test) = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        _als = ParseAls(args);
        Console.WriteLine($"implicit ALS: rank {_als.ApproximationRank}, λ {_als.Lambda}, α {_als.Alpha}, w0 {_als.UnobservedWeight}, {_als.NumberOfIterations} iterations, CG {_als.CgSteps} steps, 2 threads");
        bool all = !args.Contains("cold") && !args.Contains("update");
        if (all || args.Contains("cold")) ColdUsers(ml, train, test, args.Contains("twotower"));
        if (all || args.Contains("update")) Incremental(ml, train, test);
        Console.WriteLine($"\nload at the end {Load()}");
    }

    private static ImplicitAlsTrainer.Options _als = new() { NumberOfThreads = 2 };

    private static ImplicitAlsTrainer.Options AlsOptions() => _als.Clone();

    // "lambda=5 alpha=2 w0=0.5 rank=32" override the ALS defaults.
    private static ImplicitAlsTrainer.Options ParseAls(string[] args)
    {
        var o = new ImplicitAlsTrainer.Options { NumberOfThreads = 2 };
        foreach (var a in args)
        {
            var parts = a.Split('=');
            if (parts.Length != 2) continue;
            double v = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            switch (parts[0])
            {
                case "lambda": o.Lambda = v; break;
                case "alpha": o.Alpha = v; break;
                case "w0": o.UnobservedWeight = v; break;
                case "rank": o.ApproximationRank = (int)v; break;
            }
        }
        return o;
    }

    private static void ColdUsers(MLContext ml, InteractionData train, InteractionData test, bool twoTowerToo)
    {
        var (baseData, baseRows, heldOut) = BaseData(train);
        float beta = FoldInTuning.ChooseBeta(ml, baseData, AlsOptions());
        var baseModel = ml.Recommenders().Trainers.ImplicitAls(AlsOptions()).Fit(baseData.ToDataView(ml));
        Console.WriteLine($"\n1) Cold users: {heldOut.Length} of {train.UserCount} users held out of training ({baseData.Count} training interactions); implicit ALS defaults");
        Console.WriteLine($"{"N",3} {"method",-14} {"Recall@10",10} {"NDCG@10",8} {"Recall@10 test side",20} {"vs refit",9} {"vs popularity",14}");
        var byTime = ByTime(train, heldOut);
        // The two-tower (library defaults: user ID + training history) answers through the same call: its user tower on
        // the given items as history (no ID for a new user). Trained once on the same base data; "twotower" turns it on.
        var twoTower = twoTowerToo ? ml.Recommenders().Trainers.TwoTower(new TwoTower.TwoTowerOptions { NumberOfThreads = 2 }).Fit(baseData.ToDataView(ml)) : null;
        foreach (int n in new[] { 3, 5, 10 })
        {
            var histories = heldOut.ToDictionary(u => u, u => byTime[u].Take(n).Select(r => train.Items[r]).ToArray());
            var (restAll, restTest) = Relevance(train, test, heldOut, byTime, n);
            var refitRows = baseRows.Concat(heldOut.SelectMany(u => byTime[u].Take(n))).ToArray();
            var refit = ml.Recommenders().Trainers.ImplicitAls(AlsOptions()).Fit(train.Subset(refitRows).ToDataView(ml));

            var foldIn = Rank(heldOut, train.UserCount, u => HistoryRecommendations.Recommend(baseModel, histories[u], [], K));
            var popularity = Rank(heldOut, train.UserCount, u => HistoryRecommendations.Recommend(baseModel, [], [], K + n, excludeHistory: false), histories);
            var full = Rank(heldOut, train.UserCount, u => TopForUser(refit, u, histories[u], 0));
            var foldInPrior = Rank(heldOut, train.UserCount, u => HistoryRecommendations.Recommend(baseModel.EmbedHistory(histories[u], [], beta), baseModel.ItemFactors, histories[u], K));
            var fullPrior = Rank(heldOut, train.UserCount, u => TopForUser(refit, u, histories[u], beta));
            var methods = new List<(string, int[]?[])>
            {
                ("fold-in", foldIn), ("popularity", popularity), ("full refit", full), ($"fold-in+β{beta}", foldInPrior), ($"refit+β{beta}", fullPrior),
            };
            if (twoTower != null)
                methods.Add(("two-tower", Rank(heldOut, train.UserCount, u => HistoryRecommendations.Recommend(twoTower, histories[u], [], K))));
            var reports = methods
                .Select(m => (m.Item1, All: RankingEvaluator.Evaluate(m.Item2, restAll, K), Test: RankingEvaluator.Evaluate(m.Item2, restTest, K))).ToArray();
            double popRecall = reports[1].All.Recall;
            for (int m = 0; m < reports.Length; m++)
            {
                var (name, all, testSide) = reports[m];
                // Each fold-in row is compared with the refit ranked the same way (plain, or with the same prior).
                double refitRecall = reports[m >= 3 ? 4 : 2].All.Recall;
                Console.WriteLine($"{n,3} {name,-14} {all.Recall,10:F4} {all.Ndcg,8:F4} {testSide.Recall,20:F4} {all.Recall / refitRecall,8:F3}x {all.Recall / popRecall,13:F2}x");
            }
        }
        Diagnosis(train, test, heldOut, byTime, baseModel, beta);
        // Fold-in time: the rank-64 Cholesky solve with the cached Gramian, per user (history 10), best of 5 passes.
        var ten = heldOut.Select(u => byTime[u].Take(10).Select(r => train.Items[r]).ToArray()).ToArray();
        baseModel.FoldInUser(ten[0]); // Gramian and JIT
        var (users, items) = Recommender.Mappings<string, string>(train);
        var recommender = new EmbeddingRecommender<string, string>(baseModel, users, items, UserItemMatrix.FromInteractions(baseData));
        var tenIds = ten.Select(h => h.Select(i => items[i]).ToArray()).ToArray();
        recommender.RecommendForItems(tenIds[0], K);
        var foldTime = new Timings();
        var searchTime = new Timings();
        var apiTime = new Timings();
        for (int pass = 0; pass < 7; pass++)
        {
            foldTime.Measure(() => ten.Sum(h => baseModel.FoldInUser(h).Length));
            searchTime.Measure(() => ten.Sum(h => HistoryRecommendations.Recommend(baseModel, h, [], K).K));
            apiTime.Measure(() => tenIds.Sum(h => recommender.RecommendForItems(h, K).Items.Count));
        }
        double perUser = 1e6 / ten.Length;
        Console.WriteLine($"per user (history of 10, rank 64, 1 thread; 7 passes over {ten.Length} users; wall min / CPU median, µs):");
        Console.WriteLine($"  fold-in (FoldInUser)                              {foldTime.MinWall * perUser,8:F1} / {foldTime.MedianCpu * perUser,8:F1}");
        Console.WriteLine($"  fold-in + top-10 of {train.ItemCount} (HistoryRecommendations) {searchTime.MinWall * perUser,8:F1} / {searchTime.MedianCpu * perUser,8:F1}");
        Console.WriteLine($"  the same in original ids (RecommendForItems)      {apiTime.MinWall * perUser,8:F1} / {apiTime.MedianCpu * perUser,8:F1}");
    }

    // Why fold-in barely beats popularity here: a user's first interactions by time are mostly popular titles (MovieLens
    // asks newcomers to rate well-known films first). Shown by their median popularity rank against the rest, and by a
    // control where each held-out user gives N random training-side interactions instead (same users, same model).
    private static void Diagnosis(InteractionData train, InteractionData test, int[] heldOut, Dictionary<int, int[]> byTime,
        MatrixFactorizationModel model, float beta)
    {
        var counts = model.ItemPopularity!;
        var rank = new int[counts.Length];
        var order = Enumerable.Range(0, counts.Length).OrderByDescending(i => counts[i]).ThenBy(i => i).ToArray();
        for (int p = 0; p < order.Length; p++) rank[order[p]] = p + 1;
        double Median(IEnumerable<int> xs) { var a = xs.OrderBy(x => x).ToArray(); return a[a.Length / 2]; }
        Console.WriteLine($"\nDiagnosis: median popularity rank (1 = most popular of {counts.Length}) of the held-out users' first 3 items by time " +
            $"{Median(heldOut.SelectMany(u => byTime[u].Take(3).Select(r => rank[train.Items[r]])))}, of the rest of their training side " +
            $"{Median(heldOut.SelectMany(u => byTime[u].Skip(3).Select(r => rank[train.Items[r]])))}");
        var random = new Random(42);
        var shuffled = heldOut.ToDictionary(u => u, u => byTime[u].OrderBy(_ => random.Next()).ToArray());
        Console.WriteLine("Control, N random training-side interactions given instead of the first N (Recall@10 on the rest; × popularity):");
        foreach (int n in new[] { 3, 5, 10 })
        {
            var histories = heldOut.ToDictionary(u => u, u => shuffled[u].Take(n).Select(r => train.Items[r]).ToArray());
            var relevant = Relevance(train, test, heldOut, shuffled, n).All;
            double Recall(Func<int, TopKResult> top, Dictionary<int, int[]>? drop = null) =>
                RankingEvaluator.Evaluate(Rank(heldOut, train.UserCount, top, drop), relevant, K).Recall;
            double pop = Recall(u => HistoryRecommendations.Recommend(model, [], [], K + n, excludeHistory: false), histories);
            double plain = Recall(u => HistoryRecommendations.Recommend(model, histories[u], [], K));
            double prior = Recall(u => HistoryRecommendations.Recommend(model.EmbedHistory(histories[u], [], beta), model.ItemFactors, histories[u], K));
            Console.WriteLine($"  N {n,2}: popularity {pop:F4}, fold-in {plain:F4} ({plain / pop:F2}x), fold-in+β{beta} {prior:F4} ({prior / pop:F2}x)");
        }
    }

    // 10 % of the users (seed 42) held out of training entirely; the base training data is everyone else's rows.
    private static (InteractionData Data, int[] Rows, int[] HeldOut) BaseData(InteractionData train)
    {
        var random = new Random(42);
        var heldOut = Enumerable.Range(0, train.UserCount).OrderBy(_ => random.Next()).Take(train.UserCount / 10).OrderBy(u => u).ToArray();
        var isHeld = new bool[train.UserCount];
        foreach (int u in heldOut) isHeld[u] = true;
        var baseRows = Enumerable.Range(0, train.Count).Where(r => !isHeld[train.Users[r]]).ToArray();
        return (train.Subset(baseRows), baseRows, heldOut);
    }

    // Relevant items of the held-out users: everything except the first n training-side rows, and the test side alone.
    private static (UserItemMatrix All, UserItemMatrix Test) Relevance(InteractionData train, InteractionData test, int[] heldOut,
        Dictionary<int, int[]> byTime, int n)
    {
        var isHeld = new bool[train.UserCount];
        foreach (int u in heldOut) isHeld[u] = true;
        var testRows = Enumerable.Range(0, test.Count).Where(r => isHeld[test.Users[r]]).ToArray();
        var restTrain = heldOut.SelectMany(u => byTime[u].Skip(n)).ToArray();
        var testPart = test.Subset(testRows);
        var trainPart = train.Subset(restTrain);
        var all = new InteractionData(train.UserCount, train.ItemCount, [.. trainPart.Users, .. testPart.Users], [.. trainPart.Items, .. testPart.Items],
            [.. trainPart.Labels, .. testPart.Labels]);
        return (UserItemMatrix.FromInteractions(all), UserItemMatrix.FromInteractions(testPart));
    }

    // Training-side rows of each of the users, by time (ties by item).
    internal static Dictionary<int, int[]> ByTime(InteractionData data, int[] users) =>
        users.ToDictionary(u => u, u => Enumerable.Range(0, data.Count).Where(r => data.Users[r] == u)
            .OrderBy(r => data.Timestamps![r]).ThenBy(r => data.Items[r]).ToArray());

    internal static int[]?[] Rank(int[] users, int userCount, Func<int, TopKResult> top, Dictionary<int, int[]>? drop = null)
    {
        var ranked = new int[]?[userCount];
        foreach (int u in users)
        {
            var items = top(u).ItemsOf(0).ToArray().AsEnumerable();
            if (drop != null) items = items.Where(i => !drop[u].Contains(i));
            ranked[u] = items.Take(K).ToArray();
        }
        return ranked;
    }

    private static TopKResult TopForUser(MatrixFactorizationModel model, int user, int[] history, float beta)
    {
        var seen = UserItemMatrix.FromInteractions(new InteractionData(1, model.ItemCount, new int[history.Length], history, Enumerable.Repeat(1f, history.Length).ToArray()));
        var query = new EmbeddingTable(1, model.Rank, model.UserFactors.Row(user).ToArray());
        return ExactTopK.Search(query, model.ItemFactors, K,
            new TopKOptions { Exclude = seen, MaxDegreeOfParallelism = 1, ItemBiases = beta == 0 ? null : model.PopularityPrior(beta) });
    }

    private static void Incremental(MLContext ml, InteractionData train, InteractionData test)
    {
        var order = Enumerable.Range(0, train.Count).OrderBy(r => train.Timestamps![r]).ThenBy(r => r).ToArray();
        int newCount = train.Count / 100;
        var previous = train.Subset(order[..^newCount]);
        var added = train.Subset(order[^newCount..]);
        int touchedUsers = added.Users.Distinct().Count(), touchedItems = added.Items.Distinct().Count();
        Console.WriteLine($"\n2) Incremental update: the latest {newCount} training interactions (1 %) arrive later; {touchedUsers} users and {touchedItems} items touched");
        var baseModel = ml.Recommenders().Trainers.ImplicitAls(AlsOptions()).Fit(previous.ToDataView(ml));
        var fullView = train.ToDataView(ml);
        MatrixFactorizationModel? updated = null, refit = null, usersOnly = null;
        var update = new Timings();
        var updateUsers = new Timings();
        var usersOnlyOptions = new MatrixFactorizationUpdateOptions { NumberOfThreads = 2, UpdateExistingItems = false };
        var full = new Timings();
        var chain = new Timings();
        var updateOptions = new MatrixFactorizationUpdateOptions { NumberOfThreads = 2 };
        MatrixFactorizationUpdate.Update(ml, baseModel, previous, added, updateOptions); // JIT
        for (int round = 0; round < 7; round++)
        {
            updated = update.Measure(() => MatrixFactorizationUpdate.Update(ml, baseModel, previous, added, updateOptions));
            refit = full.Measure(() => ml.Recommenders().Trainers.ImplicitAls(AlsOptions()).Fit(fullView));
            usersOnly = updateUsers.Measure(() => MatrixFactorizationUpdate.Update(ml, baseModel, previous, added, usersOnlyOptions));
            chain.Measure(() => new MatrixFactorizationModel(ml, MatrixFactorizationKind.Implicit, baseModel.UserColumnName, baseModel.ItemColumnName,
                baseModel.UserCount, baseModel.ItemCount, baseModel.Rank, baseModel.UserFactors.Values, baseModel.ItemFactors.Values, null, null, 0,
                baseModel.ItemPopularity, baseModel.Settings));
        }
        Console.WriteLine($"{"model",-30} {"wall s (min / median of 7)",27} {"CPU s (median)",15} {"NDCG@10",8} {"Recall@10",10}");
        Print("trained on 99 % (no update)", null, baseModel, train, test);
        Print("99 % + update (3 sweeps)", update, updated!, train, test);
        Print("update, existing items kept", updateUsers, usersOnly!, train, test);
        Print("full refit on 100 %", full, refit!, train, test);
        Console.WriteLine($"update / refit: wall (min) {update.MinWall / full.MinWall:F3} ({full.MinWall / update.MinWall:F1}x faster), wall (median) {update.MedianWall / full.MedianWall:F3}, CPU {update.MedianCpu / full.MedianCpu:F3} ({full.MedianCpu / update.MedianCpu:F1}x less work)");
        Console.WriteLine($"both include building the model's ML.NET scoring chain (lookup tables): {chain.MinWall:F3} s wall (min), {chain.MedianCpu:F3} s CPU alone; " +
            $"without it, CPU: update {update.MedianCpu - chain.MedianCpu:F3} s vs refit {full.MedianCpu - chain.MedianCpu:F3} s, ratio {(update.MedianCpu - chain.MedianCpu) / (full.MedianCpu - chain.MedianCpu):F3}");
        Console.WriteLine($"users-only update / refit: CPU {updateUsers.MedianCpu / full.MedianCpu:F3} ({full.MedianCpu / updateUsers.MedianCpu:F1}x less work)");
        Console.WriteLine($"(interleaved rounds; update wall {update}, refit wall {full}, users-only update wall {updateUsers})");
    }

    /// <summary>Wall-clock and process CPU time of repeated runs (CPU time is less disturbed by the other engineers' load).</summary>
    private sealed class Timings
    {
        private readonly List<double> _wall = [];
        private readonly List<double> _cpu = [];

        public T Measure<T>(Func<T> run)
        {
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var result = run();
            _wall.Add(sw.Elapsed.TotalSeconds);
            process.Refresh();
            _cpu.Add((process.TotalProcessorTime - cpu).TotalSeconds);
            return result;
        }

        public double MinWall => _wall.Min();
        public double MedianWall => Median(_wall);
        public double MedianCpu => Median(_cpu);
        public override string ToString() => string.Join(" ", _wall.Select(t => t.ToString("F3")));
    }

    private static void Print(string name, Timings? time, MatrixFactorizationModel model, InteractionData train, InteractionData test)
    {
        var seen = UserItemMatrix.FromInteractions(train);
        var relevant = UserItemMatrix.FromInteractions(test);
        var users = Enumerable.Range(0, relevant.UserCount).Where(u => relevant.ItemsOf(u).Length > 0).ToArray();
        var top = ExactTopK.Recommend(model, users, K, seen);
        var ranked = new int[]?[relevant.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = top.ItemsOf(q).ToArray();
        var report = RankingEvaluator.Evaluate(ranked, relevant, K);
        string wall = time == null ? "-" : $"{time.MinWall:F3} / {time.MedianWall:F3}", cpu = time == null ? "-" : time.MedianCpu.ToString("F3");
        Console.WriteLine($"{name,-30} {wall,27} {cpu,15} {report.Ndcg,8:F4} {report.Recall,10:F4}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
