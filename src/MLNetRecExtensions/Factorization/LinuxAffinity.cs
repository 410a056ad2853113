using System.Runtime.InteropServices;

namespace MLNetRecExtensions.Factorization;

/// <summary>Thread-to-CPU binding through glibc (<c>sched_getcpu</c>, <c>sched_getaffinity</c>, <c>sched_setaffinity</c>), Linux only.</summary>
internal static unsafe partial class LinuxAffinity
{
    private const int MaskWords = 16; // 1024 CPUs

    /// <summary>The CPU the calling thread runs on now.</summary>
    public static int CurrentCpu() => sched_getcpu();

    /// <summary>
    /// Binds the calling thread to the <paramref name="worker"/>-th CPU after <paramref name="callerCpu"/> in the
    /// thread's allowed set, when that set holds at least <paramref name="team"/> CPUs; otherwise (or on any failure)
    /// leaves the thread unbound. Returns whether it bound.
    /// </summary>
    public static bool PinToOther(int callerCpu, int worker, int team)
    {
        try
        {
            ulong* mask = stackalloc ulong[MaskWords];
            if (sched_getaffinity(0, MaskWords * sizeof(ulong), mask) != 0) return false;
            var allowed = new List<int>();
            for (int c = 0; c < MaskWords * 64; c++)
                if ((mask[c / 64] & (1UL << (c % 64))) != 0) allowed.Add(c);
            if (allowed.Count < team) return false;
            int at = allowed.IndexOf(callerCpu);
            int cpu = allowed[((at < 0 ? 0 : at) + worker) % allowed.Count];
            ulong* one = stackalloc ulong[MaskWords];
            for (int w = 0; w < MaskWords; w++) one[w] = 0;
            one[cpu / 64] = 1UL << (cpu % 64);
            return sched_setaffinity(0, MaskWords * sizeof(ulong), one) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_getcpu();

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_getaffinity(int pid, nint size, ulong* mask);

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_setaffinity(int pid, nint size, ulong* mask);
}
