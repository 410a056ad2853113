using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class QuotedFieldsTests
{
    [TestMethod]
    public void QuotedFieldsMayHoldTheSeparatorAndQuotes()
    {
        using var file = new TempFile("\uFEFFuser,item,rating\r\n\"Smith, J.\",\"The \"\"Best\"\" Film\",4\r\nplain,\"x\",5\r\n");
        var data = InteractionLoaders.ReadDelimited(file.Path, new DelimitedFileFormat { UserColumn = "user", ItemColumn = "item", RatingColumn = "rating" });
        CollectionAssert.AreEqual(new[] { "Smith, J.", "plain" }, data.UserIds);
        CollectionAssert.AreEqual(new[] { "The \"Best\" Film", "x" }, data.ItemIds);
        CollectionAssert.AreEqual(new[] { 4f, 5f }, data.Labels);
    }

    [TestMethod]
    public void AnUnclosedQuoteNamesTheLine()
    {
        using var file = new TempFile("user,item\na,b\n\"c,d\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            InteractionLoaders.ReadDelimited(file.Path, new DelimitedFileFormat { UserColumn = "user", ItemColumn = "item" }));
        StringAssert.Contains(e.Message, "line 3");
        StringAssert.Contains(e.Message, "not closed");
    }
}
