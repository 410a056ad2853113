using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>mf speed</c>: explicit MF SGD Fit time and test RMSE against LIBMF in interleaved rounds (each round: ours and
/// LIBMF at 2 threads, then both at 1 thread) on MovieLens-100K random 80/20 (seed 42) at rank 8 / 64 / 100, and on the training data
/// repeated 10× and 100× (block-diagonal copies: new users and new items per copy) to show the cost stays linear.
/// LIBMF is an external program given by <c>libmf=PATH</c> or <c>MLNETREC_LIBMF_DRIVER</c>, called as
/// <c>PATH train test k lambda eta iterations threads 1 users items</c> on text files of 0-based <c>user item rating</c>
/// lines, which prints <c>libmf MILLISECONDS RMSE [CPU_MILLISECONDS]</c> on stderr (a small driver around <c>mf_train</c>, built from
/// cjlin1/libmf outside this repository); without it only our side is measured. Our time is the whole
/// <c>Fit(IDataView)</c>, data reading included; LIBMF's is <c>mf_train</c> alone. Both wall time and process CPU
/// time are printed: on a loaded machine the CPU time is the steadier measure of the work done. Args: <c>rounds=N</c> (default 5),
/// <c>noscale</c>.
/// </summary>
internal static class LibmfComparison
{
    public static void Run(InteractionData data, string[] args)
    {
        int rounds = int.Parse(Arg(args, "rounds=") ?? "5", CultureInfo.InvariantCulture);
        string? driver = Arg(args, "libmf=") ?? Environment.GetEnvironmentVariable("MLNETREC_LIBMF_DRIVER");
        if (driver != null && !File.Exists(driver)) driver = null;
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()} (machine shared with other engineers)");
        Console.WriteLine(driver == null ? "LIBMF driver: missing (pass libmf=PATH); measuring ours only" : $"LIBMF driver: {driver}");
        var (train, test) = InteractionSplits.Random(data, 0.2, 42);
        var dir = Directory.CreateTempSubdirectory("mf-speed-");
        try
        {
            Console.WriteLine($"\nML-100K random 80/20, 20 iterations; medians of {rounds} interleaved rounds");
            Console.WriteLine($"{"k",4} {"λ",5} {"thr",4} {"ours ms",9} {"LIBMF ms",9} {"ours/LIBMF",11} {"ours cpu",9} {"LIBMF cpu",10} {"cpu ratio",10} {"ours RMSE",10} {"LIBMF RMSE",11}");
            var speedups = new Dictionary<int, (double OfMedians, double MedianRatio)>();
            foreach (var (rank, lambda) in new[] { (8, 0.1), (64, 0.05), (100, 0.1) })
            {
                var ours = Compare(train, test, dir.FullName, "x1", rank, lambda, [2, 1], rounds, driver);
                var perRound = ours[1].Zip(ours[2], (one, two) => one / two).ToList();
                speedups[rank] = (Median(ours[1]) / Median(ours[2]), Median(perRound));
            }
            foreach (int rank in new[] { 8, 64, 100 })
                Console.WriteLine($"ours k {rank}: 2 threads {speedups[rank].OfMedians:F2}× faster than 1 thread (median of the rounds' own ratios {speedups[rank].MedianRatio:F2}×)");
            if (!args.Contains("noscale"))
            {
                Console.WriteLine($"\nScaling: training data repeated (block-diagonal copies), k 64, λ 0.05, 2 threads");
                Console.WriteLine($"{"k",4} {"λ",5} {"thr",4} {"ours ms",9} {"LIBMF ms",9} {"ours/LIBMF",11} {"ours cpu",9} {"LIBMF cpu",10} {"cpu ratio",10} {"ours RMSE",10} {"LIBMF RMSE",11}   copies");
                double? baseMs = null;
                foreach (int copies in new[] { 1, 10, 100 })
                {
                    var (t, v) = (Repeat(train, copies), Repeat(test, copies));
                    double ms = Median(Compare(t, v, dir.FullName, $"x{copies}", 64, 0.05, [2], copies == 100 ? Math.Max(3, rounds / 2) : rounds, driver, $"   {copies}×")[2]);
                    baseMs ??= ms;
                    Console.WriteLine($"     ours per rating vs 1×: {ms / baseMs / copies:F2}");
                }
            }
        }
        finally { dir.Delete(true); }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    // Each round runs every thread count in turn, ours then LIBMF's, so that the thread counts and both sides share the
    // machine's moments of load; prints one row per thread count and returns our Fit times (ms) per thread count.
    private static Dictionary<int, List<double>> Compare(InteractionData train, InteractionData test, string dir, string tag, int rank, double lambda,
        int[] threadCounts, int rounds, string? driver, string suffix = "")
    {
        var ml = new MLContext(1);
        var view = train.ToDataView(ml);
        string trainFile = Path.Combine(dir, tag + ".train"), testFile = Path.Combine(dir, tag + ".test");
        if (driver != null && !File.Exists(trainFile))
        {
            Write(train, trainFile);
            Write(test, testFile);
        }
        MatrixFactorizationTrainer.Options OptionsFor(int threads) =>
            new() { ApproximationRank = rank, Lambda = lambda, LearningRate = 0.1, NumberOfIterations = 20, NumberOfThreads = threads };
        foreach (int threads in threadCounts) ml.Recommenders().Trainers.MatrixFactorization(OptionsFor(threads)).Fit(view); // warm-up (JIT)
        var ours = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var peer = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var oursCpu = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var peerCpu = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var oursRmse = new Dictionary<int, double>();
        var peerRmse = threadCounts.ToDictionary(t => t, _ => double.NaN);
        var process = Process.GetCurrentProcess();
        for (int round = 0; round < rounds; round++)
            foreach (int threads in threadCounts)
            {
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                var model = ml.Recommenders().Trainers.MatrixFactorization(OptionsFor(threads)).Fit(view);
                ours[threads].Add(sw.Elapsed.TotalMilliseconds);
                process.Refresh();
                oursCpu[threads].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
                oursRmse[threads] = Rmse(test, model.Score);
                if (driver != null)
                {
                    var (ms, rmse, cpu) = RunDriver(driver, trainFile, testFile, rank, lambda, threads, train.UserCount, train.ItemCount);
                    peer[threads].Add(ms);
                    peerCpu[threads].Add(cpu);
                    peerRmse[threads] = rmse;
                }
            }
        foreach (int threads in threadCounts)
        {
            double oursMs = Median(ours[threads]), peerMs = peer[threads].Count > 0 ? Median(peer[threads]) : double.NaN;
            double oursC = Median(oursCpu[threads]), peerC = peerCpu[threads].Count > 0 ? Median(peerCpu[threads]) : double.NaN;
            Console.WriteLine($"{rank,4} {lambda,5} {threads,4} {oursMs,9:F1} {peerMs,9:F1} {oursMs / peerMs,10:F2}x {oursC,9:F1} {peerC,10:F1} {oursC / peerC,9:F2}x {oursRmse[threads],10:F4} {peerRmse[threads],11:F4}{suffix}");
        }
        return ours;
    }

    private static (double Ms, double Rmse, double CpuMs) RunDriver(string driver, string train, string test, int rank, double lambda, int threads, int users, int items)
    {
        var psi = new ProcessStartInfo(driver) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new object[] { train, test, rank, lambda, 0.1, 20, threads, 1, users, items })
            psi.ArgumentList.Add(Convert.ToString(a, CultureInfo.InvariantCulture)!);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        var line = err.Split('\n').First(l => l.StartsWith("libmf ", StringComparison.Ordinal)).Split(' ');
        return (double.Parse(line[1], CultureInfo.InvariantCulture), double.Parse(line[2], CultureInfo.InvariantCulture),
            line.Length > 3 ? double.Parse(line[3], CultureInfo.InvariantCulture) : double.NaN);
    }

    private static void Write(InteractionData d, string path)
    {
        using var w = new StreamWriter(path);
        for (int r = 0; r < d.Count; r++) w.WriteLine(FormattableString.Invariant($"{d.Users[r]} {d.Items[r]} {d.Labels[r]}"));
    }

    /// <summary><paramref name="copies"/> block-diagonal copies: copy c uses users <c>u + c·m</c> and items <c>i + c·n</c>.</summary>
    private static InteractionData Repeat(InteractionData d, int copies)
    {
        if (copies == 1) return d;
        int n = d.Count;
        var users = new int[n * copies];
        var items = new int[n * copies];
        var labels = new float[n * copies];
        for (int c = 0; c < copies; c++)
            for (int r = 0; r < n; r++)
            {
                users[c * n + r] = d.Users[r] + c * d.UserCount;
                items[c * n + r] = d.Items[r] + c * d.ItemCount;
                labels[c * n + r] = d.Labels[r];
            }
        return new InteractionData(d.UserCount * copies, d.ItemCount * copies, users, items, labels);
    }

    private static double Rmse(InteractionData test, Func<int, int, float> predict)
    {
        var predicted = new float[test.Count];
        for (int r = 0; r < test.Count; r++) predicted[r] = predict(test.Users[r], test.Items[r]);
        return RatingEvaluator.Evaluate(predicted, test.Labels).Rmse;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string? Arg(string[] args, string prefix) =>
        args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
}
