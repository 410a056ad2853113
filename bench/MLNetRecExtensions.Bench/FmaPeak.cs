using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// The fp32 fused-multiply-add peak of one thread, measured: twelve independent FMA chains on the widest vectors the
/// CPU accelerates (enough to cover FMA latency × units on current x86 cores), best of five 20 ms runs. Measuring it
/// avoids guessing the clock (a VM's <c>/proc/cpuinfo</c> shows the TSC rate, not the boost clock) and the FMA
/// units per core (one 512-bit pair on Zen 5, double-pumped 256-bit on Zen 4).
/// </summary>
internal static class FmaPeak
{
    /// <summary>Peak GFLOP/s (2 flops per FMA lane) of the calling thread.</summary>
    public static double MeasureGflops()
    {
        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            const int Iterations = 1 << 16;
            var sw = Stopwatch.StartNew();
            long steps = 0;
            int lanes = 0;
            while (sw.ElapsedMilliseconds < 20)
            {
                lanes = Vector512.IsHardwareAccelerated ? Chains512(Iterations) : Chains256(Iterations);
                steps += Iterations;
            }
            best = Math.Max(best, steps * 12.0 * lanes * 2 / sw.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Chains512(int iterations)
    {
        var x = Vector512.Create(0.9999999f);
        var y = Vector512.Create(1e-8f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
        return Vector512<float>.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Chains256(int iterations)
    {
        var x = Vector256.Create(0.9999999f);
        var y = Vector256.Create(1e-8f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
        return Vector256<float>.Count;
    }

    /// <summary>Keeps the chains' results alive so the JIT cannot drop the loops.</summary>
    private static float Sink { get; set; }
}
