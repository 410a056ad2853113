using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class SessionDataTests
{
    [TestMethod]
    public void OneEventSessionsAreDroppedAndCounted()
    {
        var data = SessionData.Create([0, 0, 1, 2, 2, 2], [0, 1, 2, 0, 1, 2], [1, 2, 3, 4, 5, 6], 3, "clicks.tsv");
        Assert.AreEqual(2, data.SessionCount);
        Assert.AreEqual(1, data.DroppedShortSessions);
        Assert.AreEqual(3, data.ExampleCount);
        Assert.IsTrue(data.Warnings.Any(w => w.Contains("clicks.tsv") && w.Contains("dropped 1 session")), string.Join(" | ", data.Warnings));
    }

    [TestMethod]
    public void UnsortedTimesAreSortedWithAWarningAndTiesKeepInputOrder()
    {
        // Session 0 is out of order (times 5, 1, 3); session 1 has a tie (2, 2) that must keep file order.
        var data = SessionData.Create([0, 0, 0, 1, 1], [0, 1, 2, 3, 4], [5, 1, 3, 2, 2], 5);
        Assert.AreEqual(1, data.SortedSessions);
        Assert.IsTrue(data.Warnings.Any(w => w.Contains("sorted by time")));
        // Sessions are ordered by start: session 0 starts at 1, session 1 at 2.
        CollectionAssert.AreEqual(new[] { 1, 2, 0 }, data.Session(0).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 4 }, data.Session(1).ToArray());
    }

    [TestMethod]
    public void EventsOfOneSessionNeedNotBeContiguous()
    {
        var data = SessionData.Create([0, 1, 0, 1], [0, 1, 2, 3], [1, 2, 3, 4], 4);
        CollectionAssert.AreEqual(new[] { 0, 2 }, data.Session(0).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3 }, data.Session(1).ToArray());
        Assert.IsEmpty(data.Warnings);
    }

    [TestMethod]
    public void NanTimeIsRejectedNamingTheEvent()
    {
        var e = Assert.Throws<InvalidDataException>(() => SessionData.Create([0, 0], [0, 1], [1, double.NaN], 2, "log.tsv"));
        StringAssert.Contains(e.Message, "log.tsv");
        StringAssert.Contains(e.Message, "event 1");
        StringAssert.Contains(e.Message, "NaN");
    }

    [TestMethod]
    public void EmptyDataAndDataWithoutTwoEventSessionsAreRejected()
    {
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => SessionData.Create([], [], [], 3)).Message, "no events");
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => SessionData.Create([0, 1], [0, 1], [1, 2], 3)).Message, "two or more events");
    }

    [TestMethod]
    public void UnknownItemsAreDroppedAndCounted()
    {
        // Item −1 (unknown to the model) is removed; session 1 then has one event and is dropped too.
        var data = SessionData.Create([0, 0, 0, 1, 1], [0, -1, 1, 2, -1], [1, 2, 3, 4, 5], 3);
        Assert.AreEqual(2, data.DroppedUnknownEvents);
        Assert.AreEqual(1, data.DroppedShortSessions);
        CollectionAssert.AreEqual(new[] { 0, 1 }, data.Session(0).ToArray());
    }
}
