using System.Runtime.InteropServices;

namespace MLNetRecExtensions.Factorization;

/// <summary>Thread-to-CPU binding through glibc (<c>sched_getcpu</c>, <c>sched_getaffinity</c>, <c>sched_setaffinity</c>), Linux only.</summary>
internal static unsafe partial class LinuxAffinity
{
    private const int MaskWords = 16; // 1024 CPUs

    /// <summary>The CPU the calling thread runs on now.</summary>
    public static int CurrentCpu() => sched_getcpu();

    /// <summary>The CPUs the calling thread may run on now (empty on failure).</summary>
    public static int[] AllowedCpus()
    {
        try
        {
            ulong* mask = stackalloc ulong[MaskWords];
            if (sched_getaffinity(0, MaskWords * sizeof(ulong), mask) != 0) return [];
            var allowed = new List<int>();
            for (int c = 0; c < MaskWords * 64; c++)
                if ((mask[c / 64] & (1UL << (c % 64))) != 0) allowed.Add(c);
            return [.. allowed];
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Binds the calling thread to the <paramref name="worker"/>-th CPU after <paramref name="callerCpu"/> in
    /// <paramref name="allowed"/> (the thread's allowed set before any binding, from <see cref="AllowedCpus"/>, so that
    /// a bound thread can be bound again elsewhere), when that set holds at least <paramref name="team"/> CPUs;
    /// otherwise (or on any failure) leaves the thread as it is. Returns whether it bound.
    /// </summary>
    public static bool PinToOther(int[] allowed, int callerCpu, int worker, int team)
    {
        try
        {
            if (allowed.Length < team) return false;
            int at = Array.IndexOf(allowed, callerCpu);
            int cpu = allowed[((at < 0 ? 0 : at) + worker) % allowed.Length];
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

    /// <summary>
    /// Binds the calling thread to <paramref name="cpu"/> when its allowed set holds at least <paramref name="team"/>
    /// CPUs, cpu among them; returns the allowed set it had (for <see cref="Restore"/>), or null when it did not bind.
    /// </summary>
    public static ulong[]? PinHere(int cpu, int team)
    {
        try
        {
            var saved = new ulong[MaskWords];
            fixed (ulong* mask = saved)
            {
                if (sched_getaffinity(0, MaskWords * sizeof(ulong), mask) != 0) return null;
                int allowed = 0;
                for (int w = 0; w < MaskWords; w++) allowed += System.Numerics.BitOperations.PopCount(mask[w]);
                if (allowed < team || cpu < 0 || cpu >= MaskWords * 64 || (mask[cpu / 64] & (1UL << (cpu % 64))) == 0) return null;
            }
            ulong* one = stackalloc ulong[MaskWords];
            for (int w = 0; w < MaskWords; w++) one[w] = 0;
            one[cpu / 64] = 1UL << (cpu % 64);
            return sched_setaffinity(0, MaskWords * sizeof(ulong), one) == 0 ? saved : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Gives the calling thread back the allowed set <see cref="PinHere"/> returned.</summary>
    public static void Restore(ulong[] saved)
    {
        fixed (ulong* mask = saved) _ = sched_setaffinity(0, MaskWords * sizeof(ulong), mask);
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_getcpu();

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_getaffinity(int pid, nint size, ulong* mask);

    [LibraryImport("libc", SetLastError = false)]
    private static partial int sched_setaffinity(int pid, nint size, ulong* mask);
}
