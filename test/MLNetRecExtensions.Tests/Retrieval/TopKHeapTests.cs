using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Retrieval;

[TestClass]
public sealed class TopKHeapTests
{
    [TestMethod]
    public void KeepsTheBestInAnyArrivalOrder()
    {
        // Scores 3, 1, 3, 2, 5, 1 for items 0..5 offered in reverse order, capacity 4:
        // best first = item 4 (5), item 0 (3), item 2 (3), item 3 (2) — equal scores keep the lower index first.
        var heap = new TopKHeap(4);
        float[] scores = [3, 1, 3, 2, 5, 1];
        for (int i = scores.Length - 1; i >= 0; i--) heap.Offer(scores[i], i);
        var items = new int[4];
        var kept = new float[4];
        Assert.AreEqual(4, heap.Drain(items, kept));
        CollectionAssert.AreEqual(new[] { 4, 0, 2, 3 }, items);
        CollectionAssert.AreEqual(new[] { 5f, 3f, 3f, 2f }, kept);
        Assert.AreEqual(0, heap.Count);
    }
}
