using MLNetRecExtensions.Factorization;
using static MLNetRecExtensions.Tests.Factorization.FactorizationTestData;

namespace MLNetRecExtensions.Tests.Factorization;

/// <summary>The SGD run's parallel setup: the block grid built in chunks, the phased task list and the kept worker team.</summary>
[TestClass]
public sealed class SgdSetupTests
{
    [TestMethod]
    public void GridBuiltInChunksOnTwoThreadsInAnyOrderEqualsTheSerialBuild()
    {
        // 61 users × 37 items, 6 bins: blocks of uneven size, chunks that cut through blocks.
        var (train, _) = LowRank(61, 37, 0.6, 8);
        var serial = new SgdBlockGrid(train, 6, new Random(3), labelScale: 1.5f);
        var chunked = new SgdBlockGrid(train, 6, new Random(3), labelScale: 1.5f, build: false);
        var tasks = new SgdPhasedTasks();
        // Chunks counted and scattered out of order, blocks sorted last first: the stored order must not change.
        foreach (int c in new[] { 3, 1, 0, 2 }) tasks.Add(0, -1, _ => chunked.CountChunk(c));
        tasks.Add(1, 0, _ => chunked.ComputeOffsets());
        foreach (int c in new[] { 2, 0, 3, 1 }) tasks.Add(2, 1, _ => chunked.ScatterChunk(c));
        var counts = new int[2][];
        for (int b = 35; b >= 0; b--)
        {
            int block = b;
            tasks.Add(3, 2, w => chunked.SortBlock(block, counts[w] ??= new int[chunked.SortBufferLength]));
        }
        using (var team = new SgdWorkers(2)) team.Run(w => tasks.Work(w, () => team.Failed));
        chunked.ReleaseSortBuffers();
        int n = train.Count;
        CollectionAssert.AreEqual(serial.BlockStart, chunked.BlockStart);
        CollectionAssert.AreEqual(serial.Users[..n], chunked.Users[..n]);
        CollectionAssert.AreEqual(serial.Items[..n], chunked.Items[..n]);
        CollectionAssert.AreEqual(serial.Labels[..n], chunked.Labels[..n]);
        // Labels are stored divided by the scale: 3 + p·q lies in [1, 5] before, so in [1/1.5, 5/1.5] after.
        Assert.IsTrue(chunked.Labels[..n].All(l => l >= 1 / 1.5f - 1e-6f && l <= 5 / 1.5f + 1e-6f));
    }

    [TestMethod]
    public void PhasedTasksRunEachTaskOnceAndOnlyAfterThePhaseItNeeds()
    {
        const int First = 40;
        var tasks = new SgdPhasedTasks();
        int firstDone = 0, independent = 0, seenBySecond = -1, ran = 0;
        for (int t = 0; t < First; t++)
            tasks.Add(0, -1, _ =>
            {
                Thread.SpinWait(2000); // long enough that the other worker reaches the dependent task early
                Interlocked.Increment(ref firstDone);
                Interlocked.Increment(ref ran);
            });
        tasks.Add(1, 0, _ =>
        {
            seenBySecond = Volatile.Read(ref firstDone);
            Interlocked.Increment(ref ran);
        });
        for (int t = 0; t < 10; t++)
            tasks.Add(2, -1, _ =>
            {
                Interlocked.Increment(ref independent);
                Interlocked.Increment(ref ran);
            });
        Assert.AreEqual(First + 11, tasks.Count);
        using (var team = new SgdWorkers(2)) team.Run(w => tasks.Work(w, () => team.Failed));
        Assert.AreEqual(First, seenBySecond, "the phase-1 task started before every phase-0 task was done");
        Assert.AreEqual(10, independent);
        Assert.AreEqual(First + 11, ran);
    }

    [TestMethod]
    public void PhasedTasksRejectWaitingForAPhaseWithoutEarlierTasks()
    {
        var tasks = new SgdPhasedTasks();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => tasks.Add(1, 0, _ => { }));
        tasks.Add(0, -1, _ => { });
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => tasks.Add(0, 0, _ => { }));
        tasks.Add(1, 0, _ => { });
        // One worker alone runs the list in order and never waits.
        tasks.Work(0, () => false);
    }

    [TestMethod]
    public void RentedTeamsRunClaimedWorkCompletelyAcrossManyRentAndReturnCycles()
    {
        for (int cycle = 0; cycle < 50; cycle++)
        {
            var team = SgdWorkers.Rent(2);
            Assert.AreEqual(2, team.Count);
            int next = -1;
            long sum = 0;
            team.Run(_ =>
            {
                for (int x; (x = Interlocked.Increment(ref next)) < 1000;) Interlocked.Add(ref sum, x);
            });
            Assert.AreEqual(999L * 1000 / 2, sum, $"cycle {cycle}");
            team.Return();
        }
    }

    [TestMethod]
    public void AFailingWorkerSurfacesAsAnExceptionAndTheTeamStaysUsable()
    {
        var team = SgdWorkers.Rent(2);
        try
        {
            Assert.ThrowsExactly<InvalidOperationException>(() => team.Run(w => throw new IOException($"worker {w}")));
            int ran = 0;
            team.Run(_ => Interlocked.Exchange(ref ran, 1));
            Assert.AreEqual(1, ran);
        }
        finally { team.Return(); }
    }

    [TestMethod]
    public void ABoundThreadCanBeBoundAgainToAnotherCpuAndTheCallerIsGivenBackItsSet()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("CPU binding is Linux only.");
        var allowed = LinuxAffinity.AllowedCpus();
        if (allowed.Length < 2) Assert.Inconclusive("Needs two allowed CPUs.");
        // Asserts stay on the test thread: a failure on another thread would end the test process.
        int first = -1, second = -1;
        bool pinned1 = false, pinned2 = false;
        Within(() =>
        {
            // Worker 1 after allowed[0] is allowed[1]; once bound there, worker 1 after allowed[1] is allowed[0].
            pinned1 = LinuxAffinity.PinToOther(allowed, allowed[0], 1, 2);
            first = LinuxAffinity.CurrentCpu();
            pinned2 = LinuxAffinity.PinToOther(allowed, allowed[1], 1, 2);
            second = LinuxAffinity.CurrentCpu();
        });
        Assert.IsTrue(pinned1 && pinned2);
        Assert.AreEqual(allowed[1], first);
        Assert.AreEqual(allowed[0], second);
        int whileBound = -1, afterRestore = -1;
        Within(() =>
        {
            var saved = LinuxAffinity.PinHere(LinuxAffinity.CurrentCpu(), 2);
            whileBound = LinuxAffinity.AllowedCpus().Length;
            if (saved != null) LinuxAffinity.Restore(saved);
            afterRestore = LinuxAffinity.AllowedCpus().Length;
        });
        Assert.AreEqual(1, whileBound);
        Assert.AreEqual(allowed.Length, afterRestore);
    }

    private static void Within(Action body)
    {
        var thread = new Thread(() => body());
        thread.Start();
        thread.Join();
    }
}
