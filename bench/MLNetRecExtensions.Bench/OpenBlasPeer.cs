using System.Runtime.InteropServices;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c> loaded from <c>libopenblas.so.0</c> (Debian <c>libopenblas0-pthread</c>) in this
/// process, with its thread count set through <c>openblas_set_num_threads</c>; <see cref="TryLoad"/> returns null when
/// the library or either export is missing.
/// </summary>
internal sealed unsafe class OpenBlasPeer
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;
    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged<int, void> _setThreads;

    private OpenBlasPeer(nint sgemm, nint setThreads)
    {
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        _setThreads = (delegate* unmanaged<int, void>)setThreads;
    }

    public static OpenBlasPeer? TryLoad()
    {
        foreach (var name in new[] { "libopenblas.so.0", "libopenblas.so" })
            if (NativeLibrary.TryLoad(name, out var lib)
                && NativeLibrary.TryGetExport(lib, "cblas_sgemm", out var sgemm)
                && NativeLibrary.TryGetExport(lib, "openblas_set_num_threads", out var setThreads))
                return new OpenBlasPeer(sgemm, setThreads);
        return null;
    }

    public void SetThreads(int threads) => _setThreads(threads);

    /// <summary>Row-major <c>C[m×n] = op(A)·op(B)</c> with dense leading dimensions, as <see cref="Numerics.Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, int)"/>.</summary>
    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float[] a, float[] b, float[] c)
    {
        fixed (float* pa = a, pb = b, pc = c)
            _sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans, m, n, k, 1f, pa, transposeA ? m : k, pb, transposeB ? k : n, 0f, pc, n);
    }
}
