using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>mf</c>: explicit MF on MovieLens-100K (random 80/20 split, seed 42; SGD vs ALS at rank 8 and 64; RMSE and wall
/// time as a ratio to SGD rank 8), explicit RMSE and implicit ALS NDCG@10 / MAP@10 on the per-user stratified 75/25
/// split, and implicit ALS seconds per iteration at rank 64 on synthetic power-law data of 1M and 10M interactions.
/// Args: [path to u.data] (default ../shared/data/movielens-100k/u.data), "quick" skips the 10M run.
/// </summary>
internal sealed class MatrixFactorizationBenchmark : IBenchmark
{
    public string Name => "mf";
    public string Description => "matrix factorization: ML-100K RMSE/time (SGD vs ALS), implicit ALS ranking, ALS scaling 1M→10M";

    public void Run(string[] args)
    {
        var path = args.FirstOrDefault(a => a.EndsWith("u.data", StringComparison.Ordinal)) ?? FindData();
        bool quick = args.Contains("quick");
        var data = LoadMovieLens(path);
        Console.WriteLine($"MovieLens-100K: {data.UserCount} users, {data.ItemCount} items, {data.Count} ratings");
        var ml = new MLContext(42);

        // 1) Explicit MF, random 80/20.
        var (train, test) = RandomSplit(data, 0.8, 42);
        double meanRmse = Rmse(test, (_, _) => train.Labels.Average());
        Console.WriteLine($"\nExplicit MF, random 80/20 (seed 42), 20 iterations, 2 threads; global-mean baseline RMSE {meanRmse:F4}");
        Console.WriteLine($"{"solver",-6} {"rank",5} {"RMSE",8} {"fit s",8} {"time ratio",11}");
        ml.Recommenders().Trainers.MatrixFactorization(ExplicitOptions(MatrixFactorizationTrainer.SolverType.Sgd, 8)).Fit(train.ToDataView(ml)); // warm-up (JIT)
        double? baseTime = null;
        foreach (var solver in new[] { MatrixFactorizationTrainer.SolverType.Sgd, MatrixFactorizationTrainer.SolverType.Als })
            foreach (var rank in new[] { 8, 64 })
            {
                var options = ExplicitOptions(solver, rank);
                var trainView = train.ToDataView(ml);
                var sw = Stopwatch.StartNew();
                var model = ml.Recommenders().Trainers.MatrixFactorization(options).Fit(trainView);
                double secs = sw.Elapsed.TotalSeconds;
                baseTime ??= secs;
                Console.WriteLine($"{solver,-6} {rank,5} {Rmse(test, model.Score),8:F4} {secs,8:F2} {secs / baseTime,10:F2}x");
            }

        // 2) Per-user stratified 75/25 (shuffle per user with seed 42, first ceil(0.75 n) train).
        var (strTrain, strTest) = StratifiedSplit(data, 0.75, 42);
        var mf = ml.Recommenders().Trainers.MatrixFactorization(InteractionColumns.Label, InteractionColumns.Item, InteractionColumns.User)
            .Fit(strTrain.ToDataView(ml));
        Console.WriteLine($"\nStratified 75/25: explicit MF defaults (rank 8, SGD) RMSE {Rmse(strTest, mf.Score):F4}");
        foreach (var (name, rank, lambda, alpha, w0, iters) in new[] { ("defaults", 64, 20.0, 1.0, 1.0, 15), ("positives only", 64, 20.0, 1.0, 0.0, 15) })
        {
            var sw = Stopwatch.StartNew();
            var als = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
            { ApproximationRank = rank, Lambda = lambda, Alpha = alpha, UnobservedWeight = w0, NumberOfIterations = iters, NumberOfThreads = 2 })
                .Fit(strTrain.ToDataView(ml));
            double secs = sw.Elapsed.TotalSeconds;
            var (ndcg, map, mapMin) = RankingAt10(als, strTrain, strTest);
            Console.WriteLine($"implicit ALS {name} (rank {rank}, λ {lambda}, α {alpha}, w0 {w0}, {iters} it): NDCG@10 {ndcg:F4}  MAP@10 {map:F4} (÷|relevant|; ÷min(10,|rel|) {mapMin:F4})  fit {secs:F2} s");
        }

        // 3) Implicit ALS scaling on synthetic power-law data (users grow with the interactions, 20k items).
        Console.WriteLine($"\nImplicit ALS scaling, rank 64, CG 3 steps, 2 threads, 3 iterations");
        double? small = null;
        foreach (var n in quick ? new[] { 1_000_000 } : new[] { 1_000_000, 10_000_000 })
        {
            var synthetic = PowerLaw(n, n / 20, 20_000, 7);
            var times = new List<double>();
            var options = new ImplicitAlsTrainer.Options { ApproximationRank = 64, NumberOfIterations = 3, NumberOfThreads = 2,
                Progress = new SyncProgress(p => times.Add(p.IterationTime.TotalSeconds)) };
            ml.Recommenders().Trainers.ImplicitAls(options).Fit(synthetic.ToDataView(ml));
            double perIteration = times.Min(); // the least disturbed iteration: the machine is shared
            small ??= perIteration;
            Console.WriteLine($"{n,11:N0} interactions, {synthetic.UserCount,7:N0} users: {perIteration,7:F3} s/iteration  growth {perIteration / small,5:F2}x");
        }
    }

    private static MatrixFactorizationTrainer.Options ExplicitOptions(MatrixFactorizationTrainer.SolverType solver, int rank) => new()
    {
        Solver = solver,
        ApproximationRank = rank,
        NumberOfIterations = 20,
        NumberOfThreads = 2,
    };

    private sealed class SyncProgress(Action<MatrixFactorizationProgress> report) : IProgress<MatrixFactorizationProgress>
    {
        public void Report(MatrixFactorizationProgress value) => report(value);
    }

    private static string FindData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.Parent?.FullName ?? ".", "shared", "data", "movielens-100k", "u.data");
    }

    /// <summary>u.data: tab-separated user, item, rating, timestamp; ids mapped to indices by ascending id.</summary>
    internal static InteractionData LoadMovieLens(string path)
    {
        var rows = File.ReadLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        var userIds = rows.Select(r => int.Parse(r[0])).Distinct().Order().ToArray();
        var itemIds = rows.Select(r => int.Parse(r[1])).Distinct().Order().ToArray();
        var userIndex = userIds.Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        var itemIndex = itemIds.Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        return new InteractionData(userIds.Length, itemIds.Length,
            rows.Select(r => userIndex[int.Parse(r[0])]).ToArray(), rows.Select(r => itemIndex[int.Parse(r[1])]).ToArray(),
            rows.Select(r => float.Parse(r[2])).ToArray(), rows.Select(r => double.Parse(r[3])).ToArray());
    }

    private static (InteractionData Train, InteractionData Test) RandomSplit(InteractionData data, double fraction, int seed)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        int cut = (int)(fraction * data.Count);
        return (data.Subset(order[..cut]), data.Subset(order[cut..]));
    }

    internal static (InteractionData Train, InteractionData Test) StratifiedSplit(InteractionData data, double fraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(r => data.Users[r]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            int cut = (int)Math.Ceiling(fraction * rows.Length);
            train.AddRange(rows[..cut]);
            test.AddRange(rows[cut..]);
        }
        return (data.Subset(train), data.Subset(test));
    }

    private static double Rmse(InteractionData test, Func<int, int, float> predict)
    {
        double sq = 0;
        for (int r = 0; r < test.Count; r++)
        {
            double e = test.Labels[r] - predict(test.Users[r], test.Items[r]);
            sq += e * e;
        }
        return Math.Sqrt(sq / test.Count);
    }

    /// <summary>Binary-relevance NDCG@10 (log2) and MAP@10 over test users, training items excluded.</summary>
    internal static (double Ndcg, double Map, double MapMin) RankingAt10(MatrixFactorizationModel model, InteractionData train, InteractionData test)
    {
        const int k = 10;
        var seen = UserItemMatrix.FromInteractions(train);
        var relevant = UserItemMatrix.FromInteractions(test);
        int rank = model.Rank;
        var scores = new float[model.ItemCount];
        double ndcg = 0, map = 0, mapMin = 0;
        int users = 0;
        for (int u = 0; u < relevant.UserCount; u++)
        {
            var rel = relevant.ItemsOf(u);
            if (rel.Length == 0) continue;
            users++;
            var pu = model.UserFactors.Row(u);
            for (int i = 0; i < model.ItemCount; i++) scores[i] = TensorPrimitives.Dot(pu, model.ItemFactors.Row(i)) + (model.ItemBiases?[i] ?? 0);
            foreach (var i in seen.ItemsOf(u)) scores[i] = float.NegativeInfinity;
            var top = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
            double dcg = 0, idcg = 0, ap = 0;
            int hits = 0;
            for (int p = 0; p < top.Length; p++)
                if (rel.BinarySearch(top[p]) >= 0)
                {
                    hits++;
                    dcg += 1 / Math.Log2(p + 2);
                    ap += (double)hits / (p + 1);
                }
            for (int p = 0; p < Math.Min(k, rel.Length); p++) idcg += 1 / Math.Log2(p + 2);
            ndcg += dcg / idcg;
            map += ap / rel.Length;
            mapMin += ap / Math.Min(k, rel.Length);
        }
        return (ndcg / users, map / users, mapMin / users);
    }

    /// <summary><paramref name="count"/> interactions: uniform users, Zipf(1)-distributed items, label 1.</summary>
    private static InteractionData PowerLaw(int count, int users, int items, int seed)
    {
        var random = new Random(seed);
        var cdf = new double[items];
        double total = 0;
        for (int i = 0; i < items; i++) cdf[i] = total += 1.0 / (i + 1);
        var u = new int[count];
        var it = new int[count];
        for (int r = 0; r < count; r++)
        {
            u[r] = random.Next(users);
            int j = Array.BinarySearch(cdf, random.NextDouble() * total);
            it[r] = Math.Min(items - 1, j < 0 ? ~j : j);
        }
        var labels = new float[count];
        Array.Fill(labels, 1f);
        return new InteractionData(users, items, u, it, labels);
    }
}
