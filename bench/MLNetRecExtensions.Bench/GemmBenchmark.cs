using System.Diagnostics;
using System.Runtime.Intrinsics;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// sgemm C[m×n] = A[m×k]·B[k×n] (default 1024 × 4096 × 256): <see cref="Gemm"/> on all cores and on one thread
/// against a naive i-k-j scalar loop measured once in the same run; prints GFLOP/s, ratios and the max difference.
/// Optional arguments: <c>m n k [repeats]</c>.
/// </summary>
internal sealed class GemmBenchmark : IBenchmark
{
    public string Name => "gemm";

    public string Description => "sgemm 1024x256 · 256x4096: blocked SIMD kernel (parallel, 1 thread) vs naive i-k-j loop";

    public void Run(string[] args)
    {
        int m = args.Length > 0 ? int.Parse(args[0]) : 1024;
        int n = args.Length > 1 ? int.Parse(args[1]) : 4096;
        int k = args.Length > 2 ? int.Parse(args[2]) : 256;
        int repeats = args.Length > 3 ? int.Parse(args[3]) : 15;
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
