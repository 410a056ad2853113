using System.Diagnostics;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// A fixed team of threads for one training run at a time (the caller is worker 0, the others are dedicated background
/// threads), so that each epoch costs one hand-off instead of a thread-pool dispatch. Between two <see cref="Run"/>
/// calls a worker spins for at most <see cref="SpinTime"/> (the caller's work between epochs is short) and then
/// blocks; it never spins while idle for longer. <see cref="WaitUntil"/> is the same bounded wait for use inside the
/// work. A run takes a team with <see cref="Rent"/> and gives it back with <see cref="Return"/>: the process keeps one
/// idle team (blocked, not spinning) for the next run, so a Fit neither starts nor joins threads (under load that cost
/// 0.5–4 ms per Fit on the 2-core bench machine, a tenth of a MovieLens-100K Fit); its helpers end after
/// <see cref="IdleTimeout"/> unused.
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

    /// <summary>How long the idle team kept for the next run waits unused before its helper threads end: 30 s.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private static SgdWorkers? s_idle;

    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private Action<int>? _work;
    private Exception? _failure;
    private int _generation, _active, _closed; // _active: helpers inside a run; _closed: the caller finished the current run
    private volatile bool _stop;
    private bool _rented; // under _gate: a run holds the team (an idle helper may end only while this is false)

    // The CPU the renting thread ran on when it took the team; each helper re-binds when it changes.
    private volatile int _callerCpu = -1;
    // The renting thread's own allowed CPUs while it is bound to _callerCpu (null: not bound), and that thread.
    private ulong[]? _callerMask;
    // The creating thread's allowed CPUs (before any binding): every binding of a helper chooses among these, since a
    // bound thread's own set is its one CPU.
    private readonly int[] _allowed;
    private Thread? _caller;

    /// <summary>Starts a team of <paramref name="count"/> workers (the caller and count − 1 helpers), rented at once; prefer <see cref="Rent"/>.</summary>
    public SgdWorkers(int count)
    {
        Count = count;
        _rented = true;
        _callerCpu = CallerCpu();
        _allowed = OperatingSystem.IsLinux() ? LinuxAffinity.AllowedCpus() : [];
        BindCaller();
        _threads = new Thread[count - 1];
        for (int w = 1; w < count; w++)
        {
            int worker = w;
            _threads[w - 1] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"MLNetRec SGD {worker}" };
            _threads[w - 1].Start();
        }
    }

    /// <summary>
    /// A team of <paramref name="count"/> workers for the calling thread's run: the idle team kept by the last
    /// <see cref="Return"/> when it has that size and its helpers still run, else a new one. Give it back with
    /// <see cref="Return"/> (or end it with <see cref="Dispose"/>).
    /// </summary>
    public static SgdWorkers Rent(int count)
    {
        var team = Interlocked.Exchange(ref s_idle, null);
        if (team != null)
        {
            if (team.Count == count && team.TryTake()) return team;
            team.Dispose();
        }
        return new SgdWorkers(count);
    }

    /// <summary>Ends the run's use of the team: keeps it idle for the next <see cref="Rent"/>, or disposes it when one is kept already.</summary>
    public void Return()
    {
        UnbindCaller();
        lock (_gate) _rented = false;
        if (Interlocked.CompareExchange(ref s_idle, this, null) != null) Dispose();
    }

    // Marks the kept team rented unless its helpers have ended; re-binds the helpers around the renter's CPU.
    private bool TryTake()
    {
        _callerCpu = CallerCpu();
        lock (_gate)
        {
            if (_stop) return false;
            _rented = true;
            // Wake the blocked helpers now: they find the last run closed, skip it and spin for the first real one, so
            // their wake-up (long on a busy machine) overlaps the caller's setup instead of delaying the first run.
            _generation++;
            Monitor.PulseAll(_gate);
        }
        BindCaller();
        return true;
    }

    // The renting thread stays on its CPU for the run (given back by Return): the helpers are bound to the other CPUs,
    // and a caller that migrated onto a helper's CPU (the scheduler does so on a busy machine) would share it with that
    // helper, two threads running no faster than one.
    private void BindCaller()
    {
        _caller = Thread.CurrentThread;
        _callerMask = _callerCpu >= 0 && OperatingSystem.IsLinux() ? LinuxAffinity.PinHere(_callerCpu, Count) : null;
    }

    private void UnbindCaller()
    {
        if (_callerMask != null && _caller == Thread.CurrentThread) LinuxAffinity.Restore(_callerMask);
        _callerMask = null;
        _caller = null;
    }

    private static int CallerCpu()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        try { return LinuxAffinity.CurrentCpu(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return -1; }
    }

    /// <summary>Number of workers, the caller included.</summary>
    public int Count { get; }

    /// <summary>True once a worker's work has thrown during the current <see cref="Run"/> (waits inside the work should end).</summary>
    public bool Failed => Volatile.Read(ref _failure) != null;

    /// <summary>
    /// Runs <paramref name="work"/>(worker) on the caller (worker 0) and on every helper that starts before the caller
    /// has finished its call, and returns once all of those have finished. The work must therefore be shared out by
    /// claiming (each worker takes the next unclaimed piece until none is left), never by worker number: a helper that
    /// is not running yet, e.g. woken from its blocked wait on a busy machine, is not waited for; it skips the work (or
    /// finds nothing left to claim) when it comes.
    /// </summary>
    public void Run(Action<int> work)
    {
        // Helpers still inside the previous run (late arrivals that are skipping it) must leave before _work changes.
        WaitUntil(() => Volatile.Read(ref _active) == 0);
        _work = work;
        _failure = null;
        Volatile.Write(ref _closed, 0);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        Execute(0);
        // Close the run, then wait for the helpers inside it: a helper announces itself (_active) before it checks
        // _closed, and both sides use full fences, so a helper either is seen here or sees the run closed.
        Interlocked.Exchange(ref _closed, 1);
        WaitUntil(() => Volatile.Read(ref _active) == 0);
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
        int seen = 0, boundTo = -1;
        while (true)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTime;
            while (Volatile.Read(ref _generation) == seen && !_stop && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(16);
            lock (_gate)
            {
                while (_generation == seen && !_stop)
                {
                    if (!Monitor.Wait(_gate, IdleTimeout) && _generation == seen && !_rented)
                    {
                        // Unused for IdleTimeout while kept idle: the whole team ends (Rent then makes a new one).
                        _stop = true;
                        Monitor.PulseAll(_gate);
                    }
                }
                seen = _generation;
            }
            if (_stop) return;
            int cpu = _callerCpu;
            if (cpu >= 0 && cpu != boundTo)
            {
                LinuxAffinity.PinToOther(_allowed, cpu, worker, Count);
                boundTo = cpu;
            }
            Interlocked.Increment(ref _active);
            if (Volatile.Read(ref _closed) == 0) Execute(worker);
            Interlocked.Decrement(ref _active);
        }
    }

    private void Execute(int worker)
    {
        try { _work!(worker); }
        catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
    }

    public void Dispose()
    {
        UnbindCaller();
        lock (_gate)
        {
            _stop = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var t in _threads) t.Join();
    }
}
