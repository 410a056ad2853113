using System.Collections.Concurrent;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class SpinningTeamTests
{
    [TestMethod]
    public void EveryChunkRunsExactlyOnceAndWorkersTakeSome()
    {
        var workerNames = new ConcurrentDictionary<string, bool>();
        for (int job = 0; job < 2000; job++)
        {
            int chunks = 1 + job % 9;
            var runs = new int[chunks];
            SpinningTeam.For(chunks, threads: 2 + job % 3, i =>
            {
                Interlocked.Increment(ref runs[i]);
                if (Thread.CurrentThread.Name is { } name) workerNames.TryAdd(name, true);
                Thread.SpinWait(200);
            });
            CollectionAssert.AreEqual(Enumerable.Repeat(1, chunks).ToArray(), runs, $"job {job}");
        }
        if (Environment.ProcessorCount >= 2)
            Assert.IsTrue(workerNames.Keys.Any(n => n.StartsWith("MLNetRec GEMM worker", StringComparison.Ordinal)),
                "no chunk ran on a team worker");
    }

    [TestMethod]
    public void AWorkerThatBlockedAfterItsSpinWindowWakesForTheNextJob()
    {
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("needs two cores");
        SpinningTeam.For(2, 2, _ => { });
        Thread.Sleep(SpinningTeam.SpinWindow + TimeSpan.FromMilliseconds(100));
        // Both chunks must be running at once to pass the barrier: the second thread has to wake.
        using var barrier = new Barrier(2);
        bool[] met = new bool[2];
        SpinningTeam.For(2, 2, i => met[i] = barrier.SignalAndWait(TimeSpan.FromSeconds(10)));
        CollectionAssert.AreEqual(new[] { true, true }, met);
    }

    [TestMethod]
    public void TheFirstExceptionReachesTheCallerAndTheTeamKeepsWorking()
    {
        var thrown = Assert.ThrowsExactly<InvalidOperationException>(() =>
            SpinningTeam.For(8, 2, i => { if (i == 3) throw new InvalidOperationException("chunk 3"); }));
        Assert.AreEqual("chunk 3", thrown.Message);
        var runs = new int[8];
        SpinningTeam.For(8, 2, i => Interlocked.Increment(ref runs[i]));
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 8).ToArray(), runs);
    }

    [TestMethod]
    public void NestedAndConcurrentCallersAllComplete()
    {
        var nested = new int[4 * 5];
        SpinningTeam.For(4, 2, i => SpinningTeam.For(5, 2, j => Interlocked.Increment(ref nested[i * 5 + j])));
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 20).ToArray(), nested);

        var counts = new int[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, caller =>
        {
            counts[caller] = new int[6];
            for (int job = 0; job < 300; job++)
                SpinningTeam.For(6, 2, i => Interlocked.Increment(ref counts[caller][i]));
        });
        foreach (var c in counts) CollectionAssert.AreEqual(Enumerable.Repeat(300, 6).ToArray(), c);
    }
}
