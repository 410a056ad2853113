using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A fork-join team of persistent worker threads for short parallel kernels (GEMM): the caller and up to
/// <see cref="Environment.ProcessorCount"/> − 1 workers claim chunk indices from a shared counter until all are done.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>: a thread-pool worker blocks as soon
/// as it is idle, and waking a blocked thread on a virtual machine's idle CPU was measured at 300–600 µs (median)
/// and 1.5–2.4 ms (90th percentile) on this project's 2-core KVM guest — more than a whole 1024×64×64 product, and a
/// large share of a 6 ms one. After a job, each worker here keeps polling (yielding its CPU to any other runnable
/// thread on every poll) for <see cref="SpinWindow"/> before it blocks, as OpenBLAS's and OpenMP's threads do, so
/// back-to-back products start on running threads.</para>
/// <para>One job runs at a time. A caller that finds the team busy (another thread's product is running) runs its
/// chunks on the thread pool instead, so concurrent callers never wait for each other; so does a body that calls
/// <see cref="For"/> again. Which thread runs a chunk
/// does not affect the result of a chunk body that writes only its own region.</para>
/// </remarks>
internal static class SpinningTeam
{
    /// <summary>How long an idle worker keeps polling for the next job before it blocks: 50 ms.</summary>
    internal static readonly TimeSpan SpinWindow = TimeSpan.FromMilliseconds(50);

    private static readonly object Gate = new();
    private static Worker[] s_workers = [];

    /// <summary>Workers started so far (they are created on first use and live for the process, as background threads).</summary>
    internal static int WorkerCount => Volatile.Read(ref s_workers).Length;

    /// <summary>
    /// Runs <paramref name="body"/> once for every index in <c>[0, chunks)</c> on the calling thread and up to
    /// <paramref name="threads"/> − 1 workers, and returns when all have finished. The first exception thrown by a
    /// body is rethrown here after every claimed chunk has finished; unclaimed chunks are then skipped.
    /// </summary>
    public static void For(int chunks, int threads, Action<int> body)
    {
        threads = Math.Min(Math.Min(threads, chunks), Environment.ProcessorCount);
        if (threads <= 1)
        {
            for (int i = 0; i < chunks; i++) body(i);
            return;
        }
        if (Monitor.IsEntered(Gate) || !Monitor.TryEnter(Gate))
        {
            try
            {
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            return;
        }
        try
        {
            var workers = EnsureWorkers(threads - 1);
            var job = new Job(body, chunks, threads);
            for (int w = 0; w < threads - 1; w++) workers[w].Post(job);
            job.Work();
            job.WaitForAll();
            job.ThrowIfFailed();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static Worker[] EnsureWorkers(int count)
    {
        var workers = s_workers;
        if (workers.Length >= count) return workers;
        var grown = new Worker[count];
        workers.CopyTo(grown, 0);
        for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w);
        Volatile.Write(ref s_workers, grown);
        return grown;
    }

    private sealed class Job(Action<int> body, int chunks, int participants)
    {
        private int _next;
        private int _running = participants;
        private ExceptionDispatchInfo? _failure;

        /// <summary>Claims and runs chunks until none are left, then signs off.</summary>
        public void Work()
        {
            int i;
            while (Volatile.Read(ref _failure) is null && (i = Interlocked.Increment(ref _next) - 1) < chunks)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }
            }
            Interlocked.Decrement(ref _running);
        }

        public void WaitForAll()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _running) > 0) spin.SpinOnce(sleep1Threshold: -1);
        }

        public void ThrowIfFailed() => _failure?.Throw();
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
        private Job? _pending;
        private int _blocked;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"MLNetRec GEMM worker {index + 1}" };
            thread.Start();
        }

        public void Post(Job job)
        {
            Volatile.Write(ref _pending, job);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _blocked) == 1) _wake.Set();
        }

        private void Loop()
        {
            while (true) Take().Work();
        }

        /// <summary>Polls for the next job for <see cref="SpinWindow"/>, then blocks until one is posted.</summary>
        private Job Take()
        {
            long deadline = Stopwatch.GetTimestamp() + (long)(SpinWindow.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var job = Interlocked.Exchange(ref _pending, null);
                if (job is not null) return job;
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.Yield();
                    continue;
                }
                _wake.Reset();
                Interlocked.Exchange(ref _blocked, 1);
                // A job posted before the flag was visible is seen here; one posted after it sets the event.
                if (Volatile.Read(ref _pending) is null) _wake.Wait();
                Interlocked.Exchange(ref _blocked, 0);
                deadline = Stopwatch.GetTimestamp() + (long)(SpinWindow.TotalSeconds * Stopwatch.Frequency);
            }
        }
    }
}
