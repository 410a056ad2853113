using System.Diagnostics;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>mf</c>: explicit MF on MovieLens-100K (random 80/20 split, seed 42; SGD vs ALS at rank 8 and 64; RMSE and wall
/// time as a ratio to SGD rank 8), explicit RMSE and implicit ALS NDCG@10 / MAP@10 on the per-user stratified 75/25
/// split, and implicit ALS seconds per iteration at rank 64 on synthetic power-law data of 1M and 10M interactions.
/// Args: [path to u.data] (default ../shared/data/movielens-100k/u.data), "quick" skips the 10M run; "speed" runs
/// <see cref="LibmfComparison"/> (SGD against LIBMF, interleaved) instead.
/// </summary>
internal sealed class MatrixFactorizationBenchmark : IBenchmark
{
    public string Name => "mf";
    public string Description => "matrix factorization: ML-100K RMSE/time (SGD vs ALS), implicit ALS ranking, ALS scaling 1M→10M";

    public void Run(string[] args)
    {
        var path = args.FirstOrDefault(a => a.EndsWith("u.data", StringComparison.Ordinal)) ?? FindData();
        bool quick = args.Contains("quick");
        var data = InteractionLoaders.ReadMovieLens100K(path);
        Console.WriteLine($"MovieLens-100K: {data.UserCount} users, {data.ItemCount} items, {data.Count} ratings");
        if (args.Contains("speed"))
        {
            LibmfComparison.Run(data, args);
            return;
        }
        var ml = new MLContext(42);

        // 1) Explicit MF, random 80/20.
        var (train, test) = InteractionSplits.Random(data, 0.2, 42);
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
        var (strTrain, strTest) = InteractionSplits.StratifiedByUser(data, 0.75, 42);
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
            var report = RankingAt10(als, strTrain, strTest);
            Console.WriteLine($"implicit ALS {name} (rank {rank}, λ {lambda}, α {alpha}, w0 {w0}, {iters} it): NDCG@10 {report.Ndcg:F4}  MAP@10 {report.Map:F4}  fit {secs:F2} s");
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

    /// <summary>The default MovieLens-100K <c>u.data</c>: <c>../shared/data/movielens-100k/</c> beside the repository.</summary>
    internal static string FindData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.Parent?.FullName ?? ".", "shared", "data", "movielens-100k", "u.data");
    }

    private static double Rmse(InteractionData test, Func<int, int, float> predict)
    {
        var predicted = new float[test.Count];
        for (int r = 0; r < test.Count; r++) predicted[r] = predict(test.Users[r], test.Items[r]);
        return RatingEvaluator.Evaluate(predicted, test.Labels).Rmse;
    }

    /// <summary>Top-10 ranking metrics over test users with the shared retrieval and evaluator, training items excluded.</summary>
    private static RankingReport RankingAt10(MatrixFactorizationModel model, InteractionData train, InteractionData test)
    {
        var seen = UserItemMatrix.FromInteractions(train);
        var relevant = UserItemMatrix.FromInteractions(test);
        var users = Enumerable.Range(0, relevant.UserCount).Where(u => relevant.ItemsOf(u).Length > 0).ToArray();
        var top = ExactTopK.Recommend(model, users, 10, seen);
        var ranked = new int[]?[relevant.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = top.ItemsOf(q).ToArray();
        return RankingEvaluator.Evaluate(ranked, relevant, 10);
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
