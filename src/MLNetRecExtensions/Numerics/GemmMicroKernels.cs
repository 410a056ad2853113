using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A register-blocked GEMM micro-kernel: multiplies a packed A micro-panel (<c>kc × Mr</c>, for each p the Mr values
/// of column p) by a packed B micro-panel (<c>kc × Nr</c>, for each p the Nr values of row p) and writes the
/// <c>Mr × Nr</c> tile of C at <c>c</c> (row stride <c>ldc</c>): <c>C = alpha·acc</c> when beta is 0, otherwise
/// <c>C = fma(alpha, acc, beta·C)</c>. Every kernel keeps that exact update so edge tiles, computed into a scratch
/// tile and applied by <see cref="GemmBlocked"/>, round identically to full tiles.
/// </summary>
internal interface IGemmMicroKernel
{
    /// <summary>Rows of the tile.</summary>
    static abstract int Mr { get; }
    /// <summary>Columns of the tile.</summary>
    static abstract int Nr { get; }
    /// <summary>Whether the CPU accelerates the vectors this kernel uses.</summary>
    static abstract bool IsSupported { get; }
    /// <summary>Computes one tile; see the interface summary.</summary>
    static abstract unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}

// The kernels below are unrolled by hand (one line per tile row) so that every accumulator lives in a register.

/// <summary>AVX-512 kernel: 12 rows × 32 columns in 24 zmm accumulators, 2 B loads and 12 broadcasts per step.</summary>
internal readonly struct Kernel512 : IGemmMicroKernel
{
    public static int Mr => 12;
    public static int Nr => 32;
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> ai;
            ai = Vector512.Create(a[0]); c0_0 = Vector512.FusedMultiplyAdd(ai, b0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(ai, b1, c0_1);
            ai = Vector512.Create(a[1]); c1_0 = Vector512.FusedMultiplyAdd(ai, b0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(ai, b1, c1_1);
            ai = Vector512.Create(a[2]); c2_0 = Vector512.FusedMultiplyAdd(ai, b0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(ai, b1, c2_1);
            ai = Vector512.Create(a[3]); c3_0 = Vector512.FusedMultiplyAdd(ai, b0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(ai, b1, c3_1);
            ai = Vector512.Create(a[4]); c4_0 = Vector512.FusedMultiplyAdd(ai, b0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(ai, b1, c4_1);
            ai = Vector512.Create(a[5]); c5_0 = Vector512.FusedMultiplyAdd(ai, b0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(ai, b1, c5_1);
            ai = Vector512.Create(a[6]); c6_0 = Vector512.FusedMultiplyAdd(ai, b0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(ai, b1, c6_1);
            ai = Vector512.Create(a[7]); c7_0 = Vector512.FusedMultiplyAdd(ai, b0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(ai, b1, c7_1);
            ai = Vector512.Create(a[8]); c8_0 = Vector512.FusedMultiplyAdd(ai, b0, c8_0); c8_1 = Vector512.FusedMultiplyAdd(ai, b1, c8_1);
            ai = Vector512.Create(a[9]); c9_0 = Vector512.FusedMultiplyAdd(ai, b0, c9_0); c9_1 = Vector512.FusedMultiplyAdd(ai, b1, c9_1);
            ai = Vector512.Create(a[10]); c10_0 = Vector512.FusedMultiplyAdd(ai, b0, c10_0); c10_1 = Vector512.FusedMultiplyAdd(ai, b1, c10_1);
            ai = Vector512.Create(a[11]); c11_0 = Vector512.FusedMultiplyAdd(ai, b0, c11_0); c11_1 = Vector512.FusedMultiplyAdd(ai, b1, c11_1);
            a += 12;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        if (beta == 0f)
        {
            (va * c0_0).Store(c + 0 * ldc + 0); (va * c0_1).Store(c + 0 * ldc + 16);
            (va * c1_0).Store(c + 1 * ldc + 0); (va * c1_1).Store(c + 1 * ldc + 16);
            (va * c2_0).Store(c + 2 * ldc + 0); (va * c2_1).Store(c + 2 * ldc + 16);
            (va * c3_0).Store(c + 3 * ldc + 0); (va * c3_1).Store(c + 3 * ldc + 16);
            (va * c4_0).Store(c + 4 * ldc + 0); (va * c4_1).Store(c + 4 * ldc + 16);
            (va * c5_0).Store(c + 5 * ldc + 0); (va * c5_1).Store(c + 5 * ldc + 16);
            (va * c6_0).Store(c + 6 * ldc + 0); (va * c6_1).Store(c + 6 * ldc + 16);
            (va * c7_0).Store(c + 7 * ldc + 0); (va * c7_1).Store(c + 7 * ldc + 16);
            (va * c8_0).Store(c + 8 * ldc + 0); (va * c8_1).Store(c + 8 * ldc + 16);
            (va * c9_0).Store(c + 9 * ldc + 0); (va * c9_1).Store(c + 9 * ldc + 16);
            (va * c10_0).Store(c + 10 * ldc + 0); (va * c10_1).Store(c + 10 * ldc + 16);
            (va * c11_0).Store(c + 11 * ldc + 0); (va * c11_1).Store(c + 11 * ldc + 16);
            return;
        }
        Update(c + 0 * ldc + 0, c0_0, va, vb); Update(c + 0 * ldc + 16, c0_1, va, vb);
        Update(c + 1 * ldc + 0, c1_0, va, vb); Update(c + 1 * ldc + 16, c1_1, va, vb);
        Update(c + 2 * ldc + 0, c2_0, va, vb); Update(c + 2 * ldc + 16, c2_1, va, vb);
        Update(c + 3 * ldc + 0, c3_0, va, vb); Update(c + 3 * ldc + 16, c3_1, va, vb);
        Update(c + 4 * ldc + 0, c4_0, va, vb); Update(c + 4 * ldc + 16, c4_1, va, vb);
        Update(c + 5 * ldc + 0, c5_0, va, vb); Update(c + 5 * ldc + 16, c5_1, va, vb);
        Update(c + 6 * ldc + 0, c6_0, va, vb); Update(c + 6 * ldc + 16, c6_1, va, vb);
        Update(c + 7 * ldc + 0, c7_0, va, vb); Update(c + 7 * ldc + 16, c7_1, va, vb);
        Update(c + 8 * ldc + 0, c8_0, va, vb); Update(c + 8 * ldc + 16, c8_1, va, vb);
        Update(c + 9 * ldc + 0, c9_0, va, vb); Update(c + 9 * ldc + 16, c9_1, va, vb);
        Update(c + 10 * ldc + 0, c10_0, va, vb); Update(c + 10 * ldc + 16, c10_1, va, vb);
        Update(c + 11 * ldc + 0, c11_0, va, vb); Update(c + 11 * ldc + 16, c11_1, va, vb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(alpha, acc, beta * Vector512.Load(c)).Store(c);
}

/// <summary>256-bit kernel: 6 rows × 16 columns in 12 ymm accumulators (fits the 16 AVX2 registers).</summary>
internal readonly struct Kernel256 : IGemmMicroKernel
{
    public static int Mr => 6;
    public static int Nr => 16;
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0_0 = default, c0_1 = default;
        Vector256<float> c1_0 = default, c1_1 = default;
        Vector256<float> c2_0 = default, c2_1 = default;
        Vector256<float> c3_0 = default, c3_1 = default;
        Vector256<float> c4_0 = default, c4_1 = default;
        Vector256<float> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            Vector256<float> ai;
            ai = Vector256.Create(a[0]); c0_0 = Vector256.FusedMultiplyAdd(ai, b0, c0_0); c0_1 = Vector256.FusedMultiplyAdd(ai, b1, c0_1);
            ai = Vector256.Create(a[1]); c1_0 = Vector256.FusedMultiplyAdd(ai, b0, c1_0); c1_1 = Vector256.FusedMultiplyAdd(ai, b1, c1_1);
            ai = Vector256.Create(a[2]); c2_0 = Vector256.FusedMultiplyAdd(ai, b0, c2_0); c2_1 = Vector256.FusedMultiplyAdd(ai, b1, c2_1);
            ai = Vector256.Create(a[3]); c3_0 = Vector256.FusedMultiplyAdd(ai, b0, c3_0); c3_1 = Vector256.FusedMultiplyAdd(ai, b1, c3_1);
            ai = Vector256.Create(a[4]); c4_0 = Vector256.FusedMultiplyAdd(ai, b0, c4_0); c4_1 = Vector256.FusedMultiplyAdd(ai, b1, c4_1);
            ai = Vector256.Create(a[5]); c5_0 = Vector256.FusedMultiplyAdd(ai, b0, c5_0); c5_1 = Vector256.FusedMultiplyAdd(ai, b1, c5_1);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        if (beta == 0f)
        {
            (va * c0_0).Store(c + 0 * ldc + 0); (va * c0_1).Store(c + 0 * ldc + 8);
            (va * c1_0).Store(c + 1 * ldc + 0); (va * c1_1).Store(c + 1 * ldc + 8);
            (va * c2_0).Store(c + 2 * ldc + 0); (va * c2_1).Store(c + 2 * ldc + 8);
            (va * c3_0).Store(c + 3 * ldc + 0); (va * c3_1).Store(c + 3 * ldc + 8);
            (va * c4_0).Store(c + 4 * ldc + 0); (va * c4_1).Store(c + 4 * ldc + 8);
            (va * c5_0).Store(c + 5 * ldc + 0); (va * c5_1).Store(c + 5 * ldc + 8);
            return;
        }
        Update(c + 0 * ldc + 0, c0_0, va, vb); Update(c + 0 * ldc + 8, c0_1, va, vb);
        Update(c + 1 * ldc + 0, c1_0, va, vb); Update(c + 1 * ldc + 8, c1_1, va, vb);
        Update(c + 2 * ldc + 0, c2_0, va, vb); Update(c + 2 * ldc + 8, c2_1, va, vb);
        Update(c + 3 * ldc + 0, c3_0, va, vb); Update(c + 3 * ldc + 8, c3_1, va, vb);
        Update(c + 4 * ldc + 0, c4_0, va, vb); Update(c + 4 * ldc + 8, c4_1, va, vb);
        Update(c + 5 * ldc + 0, c5_0, va, vb); Update(c + 5 * ldc + 8, c5_1, va, vb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* c, Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta)
        => Vector256.FusedMultiplyAdd(alpha, acc, beta * Vector256.Load(c)).Store(c);
}

/// <summary>Portable 4 × 4 kernel for CPUs without 256-bit SIMD.</summary>
internal readonly struct ScalarKernel : IGemmMicroKernel
{
    public static int Mr => 4;
    public static int Nr => 4;
    public static bool IsSupported => true;

    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                float ar = a[r];
                acc[r * 4 + 0] += ar * b[0]; acc[r * 4 + 1] += ar * b[1]; acc[r * 4 + 2] += ar * b[2]; acc[r * 4 + 3] += ar * b[3];
            }
            a += 4;
            b += 4;
        }
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 4; j++)
                c[r * ldc + j] = beta == 0f ? alpha * acc[r * 4 + j] : MathF.FusedMultiplyAdd(alpha, acc[r * 4 + j], beta * c[r * ldc + j]);
    }
}
