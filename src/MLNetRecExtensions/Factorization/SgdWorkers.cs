using System.Diagnostics;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// A fixed team of threads for one training run (the caller is worker 0, the others are dedicated background
/// threads started once), so that each epoch costs one hand-off instead of a thread-pool dispatch. Between two
/// <see cref="Run"/> calls a worker spins for at most <see cref="SpinTime"/> (the caller's work between epochs is
/// short) and then blocks; it never spins while idle for longer. <see cref="WaitUntil"/> is the same bounded wait for
/// use inside the work.
/// </summary>
/// <remarks>
/// <para>On Linux each helper thread binds itself to its own allowed CPU, counting on from the CPU the caller ran on
/// when the team was made (only when the process may use at least <see cref="Count"/> CPUs; the caller stays free):
/// on a machine busy with other work the scheduler otherwise often places a freshly woken helper on the caller's CPU,
/// and two threads then run no faster than one (measured on the 2-core bench machine under load: the 2-thread epoch
/// took as long as the 1-thread epoch in about half of the runs, and half as long in every run once bound).</para>
/// <para>Why spin at all: a thread that blocks, or yields its core with <c>sched_yield</c>, on a machine busy with other
/// processes is often not run again for a scheduler tick (milliseconds), while an SGD epoch of MovieLens-100K takes
/// about one millisecond; a short spin keeps the hand-off at microseconds.</para>
/// </remarks>
internal sealed class SgdWorkers : IDisposable
{
    /// <summary>Longest busy wait before a waiting thread blocks (or yields): 0.2 ms.</summary>
    public static readonly long SpinTime = Stopwatch.Frequency / 5000;

    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private Action<int>? _work;
    private Exception? _failure;
    private int _generation, _running;
    private volatile bool _stop;

    private readonly int _callerCpu = -1;

    public SgdWorkers(int count)
    {
        Count = count;
        if (OperatingSystem.IsLinux())
        {
            try { _callerCpu = LinuxAffinity.CurrentCpu(); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _callerCpu = -1; }
        }
        _threads = new Thread[count - 1];
        for (int w = 1; w < count; w++)
        {
            int worker = w;
            _threads[w - 1] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"MLNetRec SGD {worker}" };
            _threads[w - 1].Start();
        }
    }

    /// <summary>Number of workers, the caller included.</summary>
    public int Count { get; }

    /// <summary>True once a worker's work has thrown during the current <see cref="Run"/> (waits inside the work should end).</summary>
    public bool Failed => Volatile.Read(ref _failure) != null;

    /// <summary>Runs <paramref name="work"/>(worker) on every worker and returns when all have finished.</summary>
    public void Run(Action<int> work)
    {
        _work = work;
        _failure = null;
        Volatile.Write(ref _running, Count - 1);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        Execute(0);
        WaitUntil(() => Volatile.Read(ref _running) == 0);
        if (_failure != null) throw new InvalidOperationException("An SGD worker failed.", _failure);
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds: busy for up to <see cref="SpinTime"/>, then yielding the core between
    /// checks.
    /// </summary>
    public static void WaitUntil(Func<bool> done)
    {
        if (done()) return;
        long deadline = Stopwatch.GetTimestamp() + SpinTime;
        while (!done())
        {
            if (Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(16);
            else Thread.Yield();
        }
    }

    private void Loop(int worker)
    {
        if (_callerCpu >= 0) LinuxAffinity.PinToOther(_callerCpu, worker, Count);
        int seen = 0;
        while (true)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTime;
            while (Volatile.Read(ref _generation) == seen && !_stop && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(16);
            lock (_gate)
            {
                while (_generation == seen && !_stop) Monitor.Wait(_gate);
                seen = _generation;
            }
            if (_stop) return;
            Execute(worker);
            Interlocked.Decrement(ref _running);
        }
    }

    private void Execute(int worker)
    {
        try { _work!(worker); }
        catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stop = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var t in _threads) t.Join();
    }
}
