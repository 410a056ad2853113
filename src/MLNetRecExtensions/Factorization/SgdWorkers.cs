namespace MLNetRecExtensions.Factorization;

/// <summary>
/// A fixed team of threads for one training run (the caller is worker 0, the others are dedicated background
/// threads started once), so that each epoch costs two barrier crossings instead of a thread-pool dispatch, and a
/// barrier inside the work (<see cref="Sync"/>) can never deadlock: every worker is a running thread.
/// </summary>
internal sealed class SgdWorkers : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _barrier;
    private Action<int>? _work;
    private Exception? _failure;
    private volatile bool _stop;

    public SgdWorkers(int count)
    {
        Count = count;
        _barrier = new Barrier(count);
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

    /// <summary>Runs <paramref name="work"/>(worker) on every worker and returns when all have finished.</summary>
    public void Run(Action<int> work)
    {
        _work = work;
        _failure = null;
        _barrier.SignalAndWait();
        Execute(0);
        _barrier.SignalAndWait();
        if (_failure != null) throw new InvalidOperationException("An SGD worker failed.", _failure);
    }

    /// <summary>Inside <see cref="Run"/>: waits until every worker has reached the same call.</summary>
    public void Sync() => _barrier.SignalAndWait();

    private void Loop(int worker)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stop) return;
            Execute(worker);
            _barrier.SignalAndWait();
        }
    }

    private void Execute(int worker)
    {
        try { _work!(worker); }
        catch (Exception e) { _failure = e; }
    }

    public void Dispose()
    {
        _stop = true;
        _barrier.SignalAndWait();
        foreach (var t in _threads) t.Join();
        _barrier.Dispose();
    }
}
