using System.Diagnostics;
using System.Runtime.Intrinsics;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// sgemm C[m×n] = A[m×k]·B[k×n] (default 1024 × 4096 × 256): <see cref="Gemm"/> on all cores and on one thread
/// against a naive i-k-j scalar loop measured once in the same run; prints GFLOP/s, ratios and the max difference.
/// Then, when <c>libopenblas.so.0</c> is present, OpenBLAS's <c>cblas_sgemm</c> in the same process at 1 and 2
/// threads on 1024×256×4096 and the two-tower's shapes, interleaved (see <see cref="OpenBlasPeer"/>); otherwise it
/// says the peer is missing. Optional arguments: <c>m n k [repeats]</c>, <c>quick</c> (3 peer rounds instead of 7).
/// </summary>
internal sealed class GemmBenchmark : IBenchmark
{
    public string Name => "gemm";

    public string Description => "sgemm 1024x256 · 256x4096: blocked SIMD kernel vs naive loop, and vs OpenBLAS (1, 2 threads) when present";

    public void Run(string[] args)
    {
        bool quick = args.Contains("quick");
        var sizes = args.Where(x => x != "quick").Select(int.Parse).ToArray();
        int m = sizes.Length > 0 ? sizes[0] : 1024;
        int n = sizes.Length > 1 ? sizes[1] : 4096;
        int k = sizes.Length > 2 ? sizes[2] : 256;
        int repeats = sizes.Length > 3 ? sizes[3] : 15;
        Console.WriteLine($"sgemm C[{m}×{n}] = A[{m}×{k}]·B[{k}×{n}], {Environment.ProcessorCount} cores, " +
            $"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256 accelerated: {Vector256.IsHardwareAccelerated}");

        var rng = new Random(42);
        var a = RandomMatrix(rng, m * k);
        var b = RandomMatrix(rng, k * n);
        var reference = new float[m * n];
        double flops = 2.0 * m * n * k;

        var naive = Stopwatch.StartNew();
        NaiveIkj(a, b, reference, m, n, k);
        double naiveSeconds = naive.Elapsed.TotalSeconds;

        var parallel = new float[m * n];
        var (parallelBest, parallelMedian) = Time(() => Gemm.Multiply(false, false, m, n, k, 1f, a, b, 0f, parallel), repeats);
        var single = new float[m * n];
        var (singleBest, singleMedian) = Time(() => Gemm.Multiply(false, false, m, n, k, 1f, a, b, 0f, single, maxThreads: 1), repeats);

        Console.WriteLine();
        Console.WriteLine($"{"variant",-28} {"best ms",9} {"median ms",10} {"GFLOP/s",9} {"× naive",9}");
        Row("naive i-k-j scalar (1 run)", naiveSeconds, naiveSeconds, flops, naiveSeconds);
        Row("Gemm, 1 thread", singleBest, singleMedian, flops, naiveSeconds);
        Row($"Gemm, {Environment.ProcessorCount} threads", parallelBest, parallelMedian, flops, naiveSeconds);
        Console.WriteLine();
        Console.WriteLine($"parallel / single-thread speed-up (best): {singleBest / parallelBest:F2}×");
        Console.WriteLine($"max |Gemm − naive|: parallel {MaxAbsDiff(parallel, reference):E2}, single {MaxAbsDiff(single, reference):E2}; " +
            $"max |naive| {MaxAbs(reference):F2}");
        ComparePeer(quick ? 3 : 7);
    }

    /// <summary>
    /// Ours against OpenBLAS (same process) at 1 and 2 threads on the default shape and the two-tower's shapes,
    /// alternating calls (ours, OpenBLAS, ours, …) and comparing medians.
    /// </summary>
    private static void ComparePeer(int rounds)
    {
        Console.WriteLine();
        var peer = OpenBlasPeer.TryLoad();
        if (peer == null)
        {
            Console.WriteLine("OpenBLAS peer: missing (libopenblas.so.0 not found; apt-get install libopenblas0-pthread); not compared");
            return;
        }
        Console.WriteLine($"OpenBLAS peer (libopenblas.so.0, cblas_sgemm), interleaved, medians of {rounds} rounds × several calls, " +
            $"each block after a {IdleGapMilliseconds} ms pause and one untimed call; " +
            $"load {File.ReadAllText("/proc/loadavg").Trim()} (machine shared with other engineers)");
        Console.WriteLine($"{"shape m×k×n",-22} {"thr",4} {"ours GFLOP/s",13} {"OpenBLAS",9} {"ours/OpenBLAS",14}  max|diff|");
        var rng = new Random(7);
        foreach (var (m, k, n, tb) in new[] { (1024, 256, 4096, false), (1024, 64, 1024, true), (1024, 64, 1024, false), (1024, 64, 64, false), (1024, 1024, 64, false) })
        {
            var a = RandomMatrix(rng, m * k);
            var b = RandomMatrix(rng, k * n);
            var ours = new float[m * n];
            var theirs = new float[m * n];
            double flops = 2.0 * m * n * k;
            int calls = (int)Math.Clamp(2e9 / flops, 1, 200);
            foreach (int threads in new[] { 1, 2 })
            {
                peer.SetThreads(threads);
                Action runOurs = () => Gemm.Multiply(false, tb, m, n, k, 1f, a, b, 0f, ours, threads);
                Action runPeer = () => peer.Multiply(false, tb, m, n, k, a, b, theirs);
                runOurs(); runPeer(); runOurs(); runPeer();
                var oursTimes = new double[rounds];
                var peerTimes = new double[rounds];
                for (int r = 0; r < rounds; r++)
                {
                    oursTimes[r] = AfterIdleGap(runOurs, calls);
                    peerTimes[r] = AfterIdleGap(runPeer, calls);
                }
                Array.Sort(oursTimes);
                Array.Sort(peerTimes);
                double o = oursTimes[rounds / 2], p = peerTimes[rounds / 2];
                string shape = $"{m}×{k}×{n}{(tb ? " (Bᵀ)" : "")}";
                Console.WriteLine($"{shape,-22} {threads,4} {flops / o / 1e9,13:F1} {flops / p / 1e9,9:F1} {p / o,13:F2}x  {MaxAbsDiff(ours, theirs):E1}");
            }
        }
    }

    /// <summary>
    /// Both sides keep their idle worker threads polling after a call (OpenBLAS for 2^28 cycles, about 0.1 s here;
    /// ours for <see cref="SpinningTeam.SpinWindow"/>), and a poller steals CPU from the other side's threads. So each
    /// timed block starts after a pause longer than both windows and one untimed call that wakes its own threads: it
    /// measures back-to-back calls, each side alone on the cores.
    /// </summary>
    private static double AfterIdleGap(Action action, int calls)
    {
        Thread.Sleep(IdleGapMilliseconds);
        action();
        return PerCall(action, calls);
    }

    private const int IdleGapMilliseconds = 250;

    private static double PerCall(Action action, int calls)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) action();
        return sw.Elapsed.TotalSeconds / calls;
    }

    private static float[] RandomMatrix(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    private static void NaiveIkj(float[] a, float[] b, float[] c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                float aip = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
    }

    /// <summary>Two warm-up calls, then <paramref name="repeats"/> timed ones; returns (best, median) seconds.</summary>
    private static (double Best, double Median) Time(Action action, int repeats)
    {
        action();
        action();
        var seconds = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            seconds[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return (seconds[0], seconds[repeats / 2]);
    }

    private static void Row(string name, double best, double median, double flops, double naiveSeconds)
        => Console.WriteLine($"{name,-28} {best * 1e3,9:F2} {median * 1e3,10:F2} {flops / best / 1e9,9:F1} {naiveSeconds / best,9:F1}");

    private static float MaxAbsDiff(float[] x, float[] y)
    {
        float max = 0;
        for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - y[i]));
        return max;
    }

    private static float MaxAbs(float[] x)
    {
        float max = 0;
        foreach (var v in x) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
