using System.Text;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Bad interaction files: each case names the file, the line (and column) and the value it rejects.</summary>
[TestClass]
public sealed class LoaderBadInputTests
{
    private static InteractionData Read(string format, string path, InteractionLoadOptions? options = null) => format switch
    {
        "ml100k" => InteractionLoaders.ReadMovieLens100K(path, options),
        "ml1m" => InteractionLoaders.ReadMovieLens1M(path, options),
        "csv" => InteractionLoaders.ReadMlNetTutorialCsv(path, options),
        "sessions" => InteractionLoaders.ReadSessions(path, options),
        "delimited" => InteractionLoaders.ReadDelimited(path, new DelimitedFileFormat
        { Separator = ",", UserColumn = "user", ItemColumn = "item", RatingColumn = "rating" }, options),
        "implicit" => InteractionLoaders.ReadDelimited(path, new DelimitedFileFormat
        { Separator = ",", UserColumn = "user", ItemColumn = "item" }, options),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    [TestMethod]
    [DataRow("ml100k", "196\t242\t3\t881250949\n186\t302\t1e30\t891717742\n", new[] { "line 2", "\"1e30\"", "[1, 5]", "--rating-range" }, DisplayName = "rating 1e30 in u.data (case 1)")]
    [DataRow("ml100k", "196\t242\t-3\t881250949\n", new[] { "line 1", "\"-3\"", "outside the accepted ratings [1, 5]" }, DisplayName = "negative rating in u.data (case 1)")]
    [DataRow("ml100k", "196\t242\t0\t881250949\n", new[] { "line 1", "\"0\"", "[1, 5]" }, DisplayName = "rating 0 below the MovieLens scale")]
    [DataRow("ml100k", "196\t242\tNaN\t881250949\n", new[] { "line 1", "\"NaN\"", "finite" }, DisplayName = "NaN rating")]
    [DataRow("ml100k", "196\t242\tInfinity\t881250949\n", new[] { "line 1", "\"Infinity\"", "finite" }, DisplayName = "infinite rating")]
    [DataRow("ml100k", "196\t242\t1e39\t881250949\n", new[] { "line 1", "\"1e39\"", "finite" }, DisplayName = "rating overflowing Single")]
    [DataRow("ml100k", "196\t242\tfive\t881250949\n", new[] { "line 1", "\"five\"", "not a number" }, DisplayName = "non-numeric rating")]
    [DataRow("ml100k", "196\t242\t3\n", new[] { "line 1", "expected 4 fields", "found 3" }, DisplayName = "missing field")]
    [DataRow("ml100k", "196\t242\t3\t881250949\t7\n", new[] { "line 1", "expected 4 fields", "found 5" }, DisplayName = "extra field")]
    [DataRow("ml100k", "196\t242\t3\t881250949\n \t242\t3\t881250949\n", new[] { "line 2", "user column 'user_id' is empty" }, DisplayName = "empty user id")]
    [DataRow("ml100k", "196\t\t3\t881250949\n", new[] { "line 1", "item column 'item_id' is empty" }, DisplayName = "empty item id")]
    [DataRow("ml100k", "196\t242\t3\tyesterday\n", new[] { "line 1", "\"yesterday\"", "seconds" }, DisplayName = "non-numeric timestamp")]
    [DataRow("ml100k", "196,242,3,881250949\n", new[] { "line 1", "expected 4 fields separated by '\\t'", "found 1" }, DisplayName = "comma-separated u.data")]
    [DataRow("ml100k", "196\t242\t3\t881250949\n22\t377\t1\t878887116\n196\t242\t4\t891717742\n", new[] { "line 3", "user '196' and item '242' repeat line 1", "--duplicates" }, DisplayName = "repeated pair (case 2)")]
    [DataRow("ml100k", "\n\n", new[] { "is empty" }, DisplayName = "blank file")]
    [DataRow("ml1m", "1\t1193\t5\t978300760\n", new[] { "line 1", "expected 4 fields separated by '::'" }, DisplayName = "tab-separated ratings.dat")]
    [DataRow("ml1m", "1::1193::6::978300760\n", new[] { "line 1", "\"6\"", "[1, 5]" }, DisplayName = "rating 6 in ratings.dat")]
    [DataRow("csv", "userId,movieId,rating,timestamp\n1,1,0.25,964982703\n", new[] { "line 2", "\"0.25\"", "[0.5, 5]" }, DisplayName = "tutorial CSV rating below 0.5")]
    [DataRow("csv", "user,movie,rating,timestamp\n1,1,4,964982703\n", new[] { "header has no user column 'userId'", "'user', 'movie', 'rating', 'timestamp'" }, DisplayName = "tutorial CSV header with other names")]
    [DataRow("csv", "userId,movieId,rating,timestamp\n", new[] { "has a header but no data rows" }, DisplayName = "header only")]
    [DataRow("csv", "userId;movieId;rating;timestamp\n1;1;4;964982703\n", new[] { "header has no user column 'userId'", "'userId;movieId;rating;timestamp'" }, DisplayName = "semicolon CSV")]
    [DataRow("sessions", "SessionId\tItemId\n1\t214\n", new[] { "no timestamp column 'Time'" }, DisplayName = "session log without Time")]
    [DataRow("sessions", "SessionId\tItemId\tTime\n1\t214\t-\n", new[] { "line 2", "\"-\"" }, DisplayName = "session log with a bad time")]
    [DataRow("delimited", "user,item,rating\na,x,3\nb,y,4\nc,z,2\nd,x,1e30\n", new[] { "line 5", "1E+30", "implausible", "InteractionLoadOptions.RatingRange" }, DisplayName = "delimited rating far outside the data's scale (case 1)")]
    [DataRow("delimited", "user,item,rating\na,x,3\na,x,3\n", new[] { "line 3", "repeat line 2", "Mean or Last", "Sum" }, DisplayName = "delimited repeated pair")]
    [DataRow("implicit", "user,item\na,x\nb,y\na,x\n", new[] { "line 4", "repeat line 2" }, DisplayName = "implicit repeated pair")]
    public void BadFileIsRejectedWithLineAndValue(string format, string content, string[] fragments)
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("data.txt", content);
        BadInputAssert.Throws<InvalidDataException>(() => _ = Read(format, path), [path, .. fragments]);
    }

    [TestMethod]
    public void WholeFileTwiceIsReportedAsDuplicates()
    {
        // Case 2: the same rows twice would put every pair in train and test.
        using var dir = new ScratchDirectory();
        var once = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n";
        var path = dir.File("u.data", once + once);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionLoaders.ReadMovieLens100K(path),
            path, "line 4", "repeat line 1", "3 repeated rows in all");
    }

    [TestMethod]
    [DataRow(new byte[] { (byte)'1', (byte)'9', 0xE9, (byte)'6', (byte)'\t', (byte)'2', (byte)'\t', (byte)'3', (byte)'\t', (byte)'8', (byte)'\n' }, "line 1, column 3", "0xE9", DisplayName = "Latin-1 byte in a user id (case 4)")]
    [DataRow(new byte[] { (byte)'1', (byte)'\t', (byte)'2', (byte)'\t', (byte)'3', (byte)'\t', (byte)'8', (byte)'\n', (byte)'7', (byte)'\t', 0xC3, (byte)'\t', (byte)'3', (byte)'\t', (byte)'8', (byte)'\n' }, "line 2, column 3", "0xC3", DisplayName = "truncated UTF-8 sequence in an item id")]
    public void InvalidUtf8IsRejectedWithLineAndColumn(byte[] content, string where, string value)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Bytes("u.data", content);
        BadInputAssert.Throws<InvalidDataException>(() => _ = InteractionLoaders.ReadMovieLens100K(path), path, where, value, "UTF-8");
    }

    [TestMethod]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "u.data");
        BadInputAssert.Throws<FileNotFoundException>(() => _ = InteractionLoaders.ReadMovieLens100K(path), path);
    }

    [TestMethod]
    public void DeclaredRatingRangeIsEnforcedAndCanWidenTheFormatScale()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("u.data", "196\t242\t-3\t881250949\n186\t302\t10\t891717742\n");
        var wide = InteractionLoaders.ReadMovieLens100K(path, new InteractionLoadOptions { RatingRange = new RatingRange(-10, 10) });
        CollectionAssert.AreEqual(new[] { -3f, 10f }, wide.Labels);
        BadInputAssert.Throws<InvalidDataException>(
            () => _ = InteractionLoaders.ReadMovieLens100K(path, new InteractionLoadOptions { RatingRange = new RatingRange(0, 5) }),
            path, "line 1", "\"-3\"", "declared in InteractionLoadOptions.RatingRange");
        var any = InteractionLoaders.ReadDelimited(dir.File("d.csv", "user,item,rating\na,x,3\nb,y,4\nc,z,2\nd,x,1e30\n"),
            new DelimitedFileFormat { UserColumn = "user", ItemColumn = "item", RatingColumn = "rating" },
            new InteractionLoadOptions { RatingRange = RatingRange.Unbounded });
        Assert.AreEqual(1e30f, any.Labels[3]);
    }

    [TestMethod]
    [DataRow("5:1")]
    [DataRow("1-5")]
    [DataRow("a:b")]
    [DataRow("1:Infinity")]
    public void RatingRangeParseRejectsBadText(string text) =>
        BadInputAssert.Throws<FormatException>(() => _ = RatingRange.Parse(text), $"'{text}'", "MIN:MAX");

    [TestMethod]
    public void DuplicatePoliciesMergeRepeatedPairsAndSayHowMany()
    {
        using var dir = new ScratchDirectory();
        // (196, 242) three times with ratings 3, 5, 4 at times 10, 30, 20; (22, 377) once.
        var path = dir.File("u.data", "196\t242\t3\t10\n22\t377\t1\t5\n196\t242\t5\t30\n196\t242\t4\t20\n");
        var warnings = new List<string>();
        InteractionData With(DuplicatePolicy p) => InteractionLoaders.ReadMovieLens100K(path,
            new InteractionLoadOptions { Duplicates = p, Warnings = warnings.Add, RatingRange = RatingRange.Unbounded });

        var mean = With(DuplicatePolicy.Mean);
        CollectionAssert.AreEqual(new[] { 4f, 1f }, mean.Labels);
        CollectionAssert.AreEqual(new[] { 30d, 5d }, mean.Timestamps);
        var last = With(DuplicatePolicy.Last);
        CollectionAssert.AreEqual(new[] { 4f, 1f }, last.Labels, "the last line of the pair holds 4");
        CollectionAssert.AreEqual(new[] { 20d, 5d }, last.Timestamps);
        var sum = With(DuplicatePolicy.Sum);
        CollectionAssert.AreEqual(new[] { 12f, 1f }, sum.Labels);
        Assert.AreEqual(4, With(DuplicatePolicy.KeepAll).Count);
        Assert.AreEqual(3, warnings.Count, "one warning per merging load");
        StringAssert.Contains(warnings[0], "merged 2 repeated rows into 2 (user, item) pairs (Mean)");
        StringAssert.Contains(warnings[0], path);
        // Session logs keep repeated clicks by default.
        var sessions = InteractionLoaders.ReadSessions(dir.File("s.tsv", "SessionId\tItemId\tTime\n1\t5\t1\n1\t5\t2\n"));
        Assert.AreEqual(2, sessions.Count);
    }
}
