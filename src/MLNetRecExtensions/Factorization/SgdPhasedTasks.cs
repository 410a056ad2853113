namespace MLNetRecExtensions.Factorization;

/// <summary>
/// A fixed list of tasks shared out by claiming among the workers of one <see cref="SgdWorkers.Run"/>: each worker
/// takes the next unclaimed task in list order until none is left. Each task belongs to a phase and may wait for every
/// task of one earlier phase to be done (its dependency), so one run can hold steps that depend on each other (count,
/// then offsets, then scatter…) with independent tasks between them for a worker that would otherwise wait. A task
/// waits only for tasks earlier in the list, which are claimed by running workers, so the run cannot deadlock; one
/// worker alone runs the tasks in list order and never waits. What each task computes must not depend on which worker
/// runs it (then the result is the same for any thread count).
/// </summary>
internal sealed class SgdPhasedTasks
{
    private readonly List<(int Phase, int Needs, Action<int> Work)> _tasks = [];
    private int[] _phaseSize = new int[4], _phaseDone = new int[4];
    private int _next;

    /// <summary>
    /// Appends a task of <paramref name="phase"/> (≥ 0) that starts once every task of <paramref name="needs"/> is done
    /// (−1: at once); <paramref name="work"/> receives the number of the worker running it (for scratch space of its
    /// own). Add every task before the first <see cref="Work"/> call.
    /// </summary>
    public void Add(int phase, int needs, Action<int> work)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(phase);
        if (needs >= 0 && (needs >= _phaseSize.Length || _phaseSize[needs] == 0 || needs == phase))
            throw new ArgumentOutOfRangeException(nameof(needs), needs, "A task may only wait for another phase that has tasks earlier in the list.");
        if (phase >= _phaseSize.Length)
        {
            Array.Resize(ref _phaseSize, phase + 1);
            Array.Resize(ref _phaseDone, phase + 1);
        }
        _phaseSize[phase]++;
        _tasks.Add((phase, needs, work));
    }

    /// <summary>Number of tasks in the list.</summary>
    public int Count => _tasks.Count;

    /// <summary>
    /// Claims and runs tasks until every task is claimed (call it on every worker, <paramref name="worker"/> being its
    /// number; with no team, once on the caller with 0). Returns early when <paramref name="failed"/> holds while waiting
    /// (another worker threw).
    /// </summary>
    public void Work(int worker, Func<bool> failed)
    {
        int n = _tasks.Count;
        for (int t; (t = Interlocked.Increment(ref _next) - 1) < n;)
        {
            var (phase, needs, work) = _tasks[t];
            if (needs >= 0 && Volatile.Read(ref _phaseDone[needs]) != _phaseSize[needs])
            {
                SgdWorkers.WaitUntil(() => failed() || Volatile.Read(ref _phaseDone[needs]) == _phaseSize[needs]);
                if (failed()) return;
            }
            work(worker);
            Interlocked.Increment(ref _phaseDone[phase]);
        }
    }
}
