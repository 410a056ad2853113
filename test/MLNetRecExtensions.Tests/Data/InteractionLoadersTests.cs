using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class InteractionLoadersTests
{
    // ---- real data ----

    [TestMethod]
    public void MovieLens100KLoadsAllRowsUsersAndItems()
    {
        var path = TestData.RequireFile("movielens-100k", "u.data");
        var data = InteractionLoaders.ReadMovieLens100K(path);
        Assert.AreEqual(100_000, data.Count);
        Assert.AreEqual(943, data.UserCount);
        Assert.AreEqual(1682, data.ItemCount);
        // First line "196\t242\t3\t881250949": ids get index 0 by first appearance.
        Assert.AreEqual("196", data.UserIds![0]);
        Assert.AreEqual("242", data.ItemIds![0]);
        Assert.AreEqual(0, data.Users[0]);
        Assert.AreEqual(3f, data.Labels[0]);
        Assert.AreEqual(881250949d, data.Timestamps![0]);
        // Rating histogram from the data README: 5 appears 21,201 times, 1 appears 6,110 times.
        Assert.AreEqual(21_201, data.Labels.Count(l => l == 5f));
        Assert.AreEqual(6_110, data.Labels.Count(l => l == 1f));
    }

    [TestMethod]
    public void MovieLens100KDataViewHasKeyColumnsWithIds()
    {
        var path = TestData.RequireFile("movielens-100k", "u.data");
        var view = InteractionLoaders.LoadMovieLens100K(new MLContext(1), path);
        Assert.AreEqual(943UL, ((KeyDataViewType)view.Schema[InteractionColumns.User].Type).Count);
        Assert.AreEqual(1682UL, ((KeyDataViewType)view.Schema[InteractionColumns.Item].Type).Count);
        Assert.AreEqual(100_000L, view.GetRowCount());
        Assert.IsNotNull(view.Schema.GetColumnOrNull(InteractionColumns.Timestamp));
    }

    [TestMethod]
    public void TutorialCsvLoadsHalfStarRatings()
    {
        var path = TestData.RequireFile("mlnet-movie-recommendation", "recommendation-ratings-train.csv");
        var data = InteractionLoaders.ReadMlNetTutorialCsv(path);
        // README: 99,979 rows, 610 users, 9,568 movies, ratings 0.5..5 in half steps ("4", "3.5").
        Assert.AreEqual(99_979, data.Count);
        Assert.AreEqual(610, data.UserCount);
        Assert.AreEqual(9_568, data.ItemCount);
        Assert.AreEqual(0.5f, data.Labels.Min());
        Assert.AreEqual(5f, data.Labels.Max());
        Assert.AreEqual(12_911, data.Labels.Count(l => l == 3.5f));

        var test = InteractionLoaders.ReadMlNetTutorialCsv(TestData.RequireFile("mlnet-movie-recommendation", "recommendation-ratings-test.csv"));
        Assert.AreEqual(19, test.Count);
        Assert.AreEqual(3, test.UserCount);
    }

    [TestMethod]
    public void SessionTrainFileLoadsSessionsAsUsers()
    {
        var path = TestData.RequireFile("yoochoose-rsc15-100k", "yoochoose-clicks-100k_train_full.txt");
        var data = InteractionLoaders.ReadSessions(path);
        // README: 70,278 clicks, 17,794 sessions, 2,933 items; first row "3\t214716935\t1396437466.94".
        Assert.AreEqual(70_278, data.Count);
        Assert.AreEqual(17_794, data.UserCount);
        Assert.AreEqual(2_933, data.ItemCount);
        Assert.AreEqual("3", data.UserIds![0]);
        Assert.AreEqual(1396437466.94, data.Timestamps![0], 1e-6);
        Assert.IsTrue(data.Labels.All(l => l == 1f));
    }

    // ---- small files ----

    [TestMethod]
    public void MovieLens1MParsesDoubleColonLines()
    {
        using var file = new TempFile("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n", "ratings.dat");
        var data = InteractionLoaders.ReadMovieLens1M(file.Path);
        Assert.AreEqual(3, data.Count);
        Assert.AreEqual(2, data.UserCount);
        Assert.AreEqual(2, data.ItemCount);
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, data.Users);
        CollectionAssert.AreEqual(new[] { 0, 1, 0 }, data.Items);   // "1193" first, then "661"
        CollectionAssert.AreEqual(new[] { 5f, 3f, 4f }, data.Labels);
        CollectionAssert.AreEqual(new[] { "1193", "661" }, data.ItemIds);
        Assert.AreEqual(978298413d, data.Timestamps![2]);
    }

    [TestMethod]
    public void DelimitedByHeaderNamesInAnyOrderWithoutRatingIsImplicit()
    {
        using var file = new TempFile("ts;extra;item;user\n10;x;b;alice\n20;y;a;bob\n\n30;z;b;bob\n");
        var data = InteractionLoaders.ReadDelimited(file.Path,
            new DelimitedFileFormat { Separator = ";", UserColumn = "user", ItemColumn = "item", TimestampColumn = "ts" });
        CollectionAssert.AreEqual(new[] { "alice", "bob" }, data.UserIds);
        CollectionAssert.AreEqual(new[] { "b", "a" }, data.ItemIds);
        CollectionAssert.AreEqual(new[] { 0, 1, 1 }, data.Users);
        CollectionAssert.AreEqual(new[] { 0, 1, 0 }, data.Items);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, data.Labels);
        CollectionAssert.AreEqual(new[] { 10d, 20d, 30d }, data.Timestamps);
    }

    [TestMethod]
    public void DelimitedWithoutHeaderUsesColumnIndexesAndHandlesCrLf()
    {
        using var file = new TempFile("x,u1,i1,4.5\r\nx,u2,i1,2\r\n");
        var data = InteractionLoaders.ReadDelimited(file.Path,
            new DelimitedFileFormat { HasHeader = false, UserColumn = "1", ItemColumn = "2", RatingColumn = "3" });
        CollectionAssert.AreEqual(new[] { "u1", "u2" }, data.UserIds);
        CollectionAssert.AreEqual(new[] { 4.5f, 2f }, data.Labels);
        Assert.IsNull(data.Timestamps);
    }

    // ---- bad input: exact exception type and a message naming file/column/value/line ----

    [TestMethod]
    public void MissingFileThrowsFileNotFoundWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "mlnetrec-no-such-dir", "u.data");
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => InteractionLoaders.ReadMovieLens100K(path));
        StringAssert.Contains(ex.Message, path);
        Assert.AreEqual(path, ex.FileName);
    }

    [TestMethod]
    public void EmptyFileThrowsNamingTheFile()
    {
        using var file = new TempFile("", "empty.data");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMovieLens100K(file.Path));
        StringAssert.Contains(ex.Message, "empty.data");
        StringAssert.Contains(ex.Message, "no data rows");
    }

    [TestMethod]
    public void HeaderOnlyCsvThrowsNamingTheFile()
    {
        using var file = new TempFile("userId,movieId,rating,timestamp\n", "ratings.csv");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMlNetTutorialCsv(file.Path));
        StringAssert.Contains(ex.Message, "ratings.csv");
        StringAssert.Contains(ex.Message, "header but no data rows");
    }

    [TestMethod]
    public void WrongFieldCountNamesLineNumberAndText()
    {
        using var file = new TempFile("1\t2\t3\t100\n1\t3\t4\t101\n2\t5\t101\n", "u.data");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMovieLens100K(file.Path));
        StringAssert.Contains(ex.Message, "u.data");
        StringAssert.Contains(ex.Message, "line 3");
        StringAssert.Contains(ex.Message, "expected 4 fields");
        StringAssert.Contains(ex.Message, "found 3");
        StringAssert.Contains(ex.Message, "\"2\t5\t101\"");
    }

    [TestMethod]
    public void TooManyFieldsIsAlsoMalformed()
    {
        using var file = new TempFile("userId,movieId,rating,timestamp\n1,2,3,4,5\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMlNetTutorialCsv(file.Path));
        StringAssert.Contains(ex.Message, "line 2");
        StringAssert.Contains(ex.Message, "found 5");
    }

    [TestMethod]
    public void NonNumericRatingNamesColumnValueAndLine()
    {
        using var file = new TempFile("userId,movieId,rating,timestamp\n1,2,4.0,100\n1,3,good,101\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMlNetTutorialCsv(file.Path));
        StringAssert.Contains(ex.Message, "rating column 'rating'");
        StringAssert.Contains(ex.Message, "\"good\"");
        StringAssert.Contains(ex.Message, "line 3");
    }

    [TestMethod]
    public void NaNRatingNamesColumnValueAndLine()
    {
        using var file = new TempFile("1\t2\t3\t100\n1\t3\tNaN\t101\n", "u.data");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMovieLens100K(file.Path));
        StringAssert.Contains(ex.Message, "rating column 'rating'");
        StringAssert.Contains(ex.Message, "\"NaN\"");
        StringAssert.Contains(ex.Message, "line 2");
        StringAssert.Contains(ex.Message, "finite");
    }

    [TestMethod]
    public void InfiniteRatingIsRejected()
    {
        // 1e60 overflows float to +Infinity, as does the literal "Infinity".
        using var file = new TempFile("userId,movieId,rating,timestamp\n1,2,1e60,100\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMlNetTutorialCsv(file.Path));
        StringAssert.Contains(ex.Message, "\"1e60\"");
        StringAssert.Contains(ex.Message, "line 2");
    }

    [TestMethod]
    public void NonNumericTimestampNamesColumnValueAndLine()
    {
        using var file = new TempFile("1::10::5::978300760\n1::11::3::yesterday\n", "ratings.dat");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadMovieLens1M(file.Path));
        StringAssert.Contains(ex.Message, "timestamp column 'Timestamp'");
        StringAssert.Contains(ex.Message, "\"yesterday\"");
        StringAssert.Contains(ex.Message, "line 2");
    }

    [TestMethod]
    public void SessionHeaderWithoutTimeNamesColumnAndListsHeader()
    {
        using var file = new TempFile("SessionId\tItemId\tWhen\n1\t5\t10.5\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadSessions(file.Path));
        StringAssert.Contains(ex.Message, "no timestamp column 'Time'");
        StringAssert.Contains(ex.Message, "'SessionId', 'ItemId', 'When'");
    }

    [TestMethod]
    public void EmptyItemIdNamesColumnAndLine()
    {
        using var file = new TempFile("SessionId\tItemId\tTime\n1\t5\t10\n1\t \t11\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadSessions(file.Path));
        StringAssert.Contains(ex.Message, "item column 'ItemId' is empty");
        StringAssert.Contains(ex.Message, "line 3");
    }

    [TestMethod]
    public void HeaderlessFormatWithNamedColumnIsRejectedNamingTheOption()
    {
        using var file = new TempFile("a,b\n");
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionLoaders.ReadDelimited(file.Path,
            new DelimitedFileFormat { HasHeader = false, UserColumn = "user", ItemColumn = "1" }));
        Assert.AreEqual("userColumn", ex.ParamName);
        StringAssert.Contains(ex.Message, "'user'");
        StringAssert.Contains(ex.Message, "0-based column index");
    }

    [TestMethod]
    public void HeaderlessColumnIndexBeyondFieldsNamesLine()
    {
        using var file = new TempFile("\na,b\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => InteractionLoaders.ReadDelimited(file.Path,
            new DelimitedFileFormat { HasHeader = false, UserColumn = "0", ItemColumn = "2" }));
        StringAssert.Contains(ex.Message, "item column index 2");
        StringAssert.Contains(ex.Message, "line 2");   // line 1 is blank and skipped, but still counted
    }

    [TestMethod]
    public void EmptySeparatorIsRejected()
    {
        using var file = new TempFile("a,b\n");
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InteractionLoaders.ReadDelimited(file.Path,
            new DelimitedFileFormat { Separator = "", UserColumn = "a", ItemColumn = "b" }));
        StringAssert.Contains(ex.Message, "Separator");
    }
}
