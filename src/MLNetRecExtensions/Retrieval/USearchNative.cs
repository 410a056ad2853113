using System.Runtime.InteropServices;

namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// P/Invoke declarations of USearch's C API (<c>usearch.h</c>), whose native library <c>libusearch_c</c> ships in the
/// Cloud.Unum.USearch package. The C API is used directly because the package's managed wrapper exposes neither
/// filtered search, capacity reservation for concurrent inserts, nor buffer serialization.
/// </summary>
internal static unsafe partial class USearchNative
{
    private const string Library = "libusearch_c";

    /// <summary><c>usearch_metric_kind_t</c> values used here.</summary>
    public const int MetricCos = 1, MetricIp = 2, MetricL2Sq = 3;

    /// <summary><c>usearch_scalar_kind_t</c> for float32 and float16.</summary>
    public const int ScalarF32 = 1, ScalarF16 = 3;

    /// <summary><c>usearch_init_options_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InitOptions
    {
        public int MetricKind;
        public IntPtr Metric;
        public int Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        [MarshalAs(UnmanagedType.U1)] public bool Multi;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr usearch_init(ref InitOptions options, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_free(IntPtr index, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_add(IntPtr index, ulong key, float* vector, int scalarKind, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_size(IntPtr index, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_search(IntPtr index, float* query, int scalarKind, nuint count, ulong* keys, float* distances, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_filtered_search(IntPtr index, float* query, int scalarKind, nuint count,
        delegate* unmanaged[Cdecl]<ulong, void*, int> filter, void* filterState, ulong* keys, float* distances, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_serialized_length(IntPtr index, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_save_buffer(IntPtr index, byte* buffer, nuint length, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_load_buffer(IntPtr index, byte* buffer, nuint length, out IntPtr error);

    /// <summary>Throws <see cref="InvalidOperationException"/> with USearch's message when <paramref name="error"/> is set.</summary>
    public static void Check(IntPtr error, string operation)
    {
        if (error != IntPtr.Zero)
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}.");
    }
}

/// <summary>Owns one native USearch index and frees it exactly once.</summary>
internal sealed class USearchHandle : SafeHandle
{
    public USearchHandle(IntPtr index) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(index);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        USearchNative.usearch_free(handle, out _);
        return true;
    }
}
