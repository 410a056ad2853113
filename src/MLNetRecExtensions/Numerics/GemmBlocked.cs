using System.Runtime.CompilerServices;
using System.Buffers;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// The cache-blocked GEMM driver (the BLIS loop nest): for each <c>NC</c>-column block and <c>KC</c>-deep slice, pack
/// the B panel once (it stays in L2/L3), then for each <c>MC</c>-row block pack the A block (it stays in L2) and sweep
/// the micro-kernel over its tiles, each <c>kc × Nr</c> B micro-panel staying in L1. Threads get disjoint regions of
/// C (two per thread, run by <see cref="SpinningTeam"/>), split along the dimension whose split duplicates the cheaper packing work.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Depth of a packed slice: a 12 × 32 tile reads 12 + 32 floats per step, so KC steps are 44 KB.</summary>
    internal const int KC = 256;
    /// <summary>Rows per packed A block (a multiple of every kernel's Mr: 12, 6 and 4); 144 × 256 floats = 144 KB.</summary>
    internal const int MC = 144;
    /// <summary>Columns per packed B panel (a multiple of every kernel's Nr); 2048 × 256 floats = 2 MB.</summary>
    internal const int NC = 2048;
    /// <summary>Multiply-adds below which adding a thread costs more than it saves.</summary>
    private const long MinMultiplyAddsPerThread = 1L << 21;
    /// <summary>Regions per thread: two let a thread on a busier core hand work to the other (measured: as fast when idle).</summary>
    private const int ChunksPerThread = 2;

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, in GemmOperands op,
        int maxThreads, GemmKernelKind? forced)
    {
        var kind = forced ?? (Kernel512.IsSupported ? GemmKernelKind.Vector512
            : Kernel256.IsSupported ? GemmKernelKind.Vector256 : GemmKernelKind.Scalar);
        fixed (float* pa = a, pb = b, pc = c)
        {
            switch (kind)
            {
                case GemmKernelKind.Vector512: Run<Kernel512>(pa, pb, pc, op, maxThreads); break;
                case GemmKernelKind.Vector256: Run<Kernel256>(pa, pb, pc, op, maxThreads); break;
                default: Run<ScalarKernel>(pa, pb, pc, op, maxThreads); break;
            }
        }
    }

    private static void Run<TK>(float* a, float* b, float* c, GemmOperands op, int maxThreads)
        where TK : struct, IGemmMicroKernel
    {
        long work = (long)op.M * op.N * op.K;
        int threads = (int)Math.Clamp(work / MinMultiplyAddsPerThread, 1, Math.Max(1, maxThreads));
        int rowTiles = (op.M + TK.Mr - 1) / TK.Mr, colTiles = (op.N + TK.Nr - 1) / TK.Nr;
        // Splitting columns makes every thread pack all of A (m·k), splitting rows all of B (k·n).
        bool splitColumns = colTiles >= threads && (op.M <= op.N || rowTiles < threads);
        threads = Math.Min(threads, splitColumns ? colTiles : rowTiles);
        if (threads <= 1)
        {
            RunRegion<TK>(a, b, c, op, 0, op.M, 0, op.N);
            return;
        }
        nint ai = (nint)a, bi = (nint)b, ci = (nint)c;
        int tiles = splitColumns ? colTiles : rowTiles, tile = splitColumns ? TK.Nr : TK.Mr;
        int extent = splitColumns ? op.N : op.M;
        int chunks = Math.Min(tiles, threads * ChunksPerThread);
        SpinningTeam.For(chunks, threads, t =>
        {
            int start = Math.Min(extent, (int)((long)tiles * t / chunks) * tile);
            int end = Math.Min(extent, (int)((long)tiles * (t + 1) / chunks) * tile);
            if (splitColumns) RunRegion<TK>((float*)ai, (float*)bi, (float*)ci, op, 0, op.M, start, end);
            else RunRegion<TK>((float*)ai, (float*)bi, (float*)ci, op, start, end, 0, op.N);
        });
    }

    /// <summary>Computes rows <c>[i0, i1)</c> × columns <c>[j0, j1)</c> of C on the calling thread.</summary>
    private static void RunRegion<TK>(float* a, float* b, float* c, in GemmOperands op, int i0, int i1, int j0, int j1)
        where TK : struct, IGemmMicroKernel
    {
        if (i0 >= i1 || j0 >= j1) return;
        int ncMax = Math.Min(NC, RoundUp(j1 - j0, TK.Nr)), kcMax = Math.Min(KC, op.K);
        int mcMax = Math.Min(MC, RoundUp(i1 - i0, TK.Mr));
        int aLength = mcMax * kcMax, bLength = ncMax * kcMax;
        const int AlignFloats = 16; // 64 bytes
        float[] buffer = ArrayPool<float>.Shared.Rent(aLength + bLength + 2 * AlignFloats);
        try
        {
            fixed (float* raw = buffer)
            {
                float* packA = Align64(raw);
                float* packB = Align64(packA + aLength);
                for (int jc = j0; jc < j1; jc += NC)
                {
                    int nc = Math.Min(NC, j1 - jc);
                    for (int pc = 0; pc < op.K; pc += KC)
                    {
                        int kc = Math.Min(KC, op.K - pc);
                        float beta = pc == 0 ? op.Beta : 1f;
                        GemmPacking.PackB(b, op, pc, kc, jc, nc, TK.Nr, packB);
                        for (int ic = i0; ic < i1; ic += MC)
                        {
                            int mc = Math.Min(MC, i1 - ic);
                            GemmPacking.PackA(a, op, ic, mc, pc, kc, TK.Mr, packA);
                            MacroKernel<TK>(packA, packB, c + (long)ic * op.Ldc + jc, op.Ldc, mc, nc, kc, op.Alpha, beta);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Sweeps the micro-kernel over the <c>mc × nc</c> block of C at <c>c</c> from packed A and B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow tier-0 code
    private static void MacroKernel<TK>(float* packA, float* packB, float* c, int ldc, int mc, int nc, int kc, float alpha, float beta)
        where TK : struct, IGemmMicroKernel
    {
        float* edge = stackalloc float[TK.Mr * TK.Nr];
        for (int jr = 0; jr < nc; jr += TK.Nr)
        {
            int cols = Math.Min(TK.Nr, nc - jr);
            float* bPanel = packB + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += TK.Mr)
            {
                int rows = Math.Min(TK.Mr, mc - ir);
                float* aPanel = packA + (long)ir * kc;
                float* tile = c + (long)ir * ldc + jr;
                if (rows == TK.Mr && cols == TK.Nr)
                {
                    TK.Run(kc, aPanel, bPanel, tile, ldc, alpha, beta);
                    continue;
                }
                TK.Run(kc, aPanel, bPanel, edge, TK.Nr, 1f, 0f);
                ApplyEdge(edge, TK.Nr, tile, ldc, rows, cols, alpha, beta);
            }
        }
    }

    /// <summary>Applies a scratch tile with the kernels' exact update rule, so edges round like full tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow tier-0 code
    private static void ApplyEdge(float* acc, int accStride, float* c, int ldc, int rows, int cols, float alpha, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            float* cRow = c + (long)r * ldc;
            float* accRow = acc + (long)r * accStride;
            for (int j = 0; j < cols; j++)
                cRow[j] = beta == 0f ? alpha * accRow[j] : MathF.FusedMultiplyAdd(alpha, accRow[j], beta * cRow[j]);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
