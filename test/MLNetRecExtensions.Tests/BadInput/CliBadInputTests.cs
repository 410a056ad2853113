using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>
/// <c>mlnet-rec</c> with bad arguments, files and models: exit code 2 for a bad command line, 1 for bad data, one line
/// naming the file, line, column or value — never a stack trace (cases 5, 6, 8, 9, 10, 12, 14).
/// </summary>
[TestClass]
public sealed class CliBadInputTests
{
    private static ScratchDirectory _dir = null!;
    private static string _keysWithIds = null!, _bareKeys = null!, _numericIds = null!, _multiclass = null!;
    private static ITransformer _keysModel = null!;
    private static IDataView _keysData = null!;

    [ClassInitialize]
    public static void SaveModels(TestContext _)
    {
        _dir = new ScratchDirectory();
        (_keysWithIds, _keysModel, _keysData) = BadInputModels.KeyModelWithIds(_dir.Path);
        _bareKeys = BadInputModels.KeyModelWithoutIds(_dir.Path);
        _numericIds = BadInputModels.NumericIdModel(_dir.Path);
        _multiclass = BadInputModels.MulticlassModel(_dir.Path);
    }

    [ClassCleanup]
    public static void Delete() => _dir.Dispose();

    private static string Rows(string content) => _dir.File($"rows-{Guid.NewGuid():N}.tsv", content);

    private static string Out() => _dir.Combine($"scores-{Guid.NewGuid():N}.tsv");

    // ---- score: model files (case 9) ----

    [TestMethod]
    [DataRow("empty")]
    [DataRow("truncated")]
    [DataRow("corrupted")]
    [DataRow("text")]
    public void ScoreWithADamagedModelSaysNotAModelFile(string kind)
    {
        var sub = Directory.CreateDirectory(_dir.Combine("m" + Guid.NewGuid().ToString("N"))).FullName;
        var model = kind switch
        {
            "empty" => _dir.File($"empty-{Guid.NewGuid():N}.zip", ""),
            "text" => _dir.File($"text-{Guid.NewGuid():N}.zip", "UserId\tItemId\n"),
            "truncated" => BadInputModels.Truncated(_keysWithIds, sub),
            _ => BadInputModels.Corrupted(_keysWithIds, sub),
        };
        BadInputAssert.Cli(1, ["score", "--model", model, "--input", Rows("UserId\tItemId\nu100\ti200\n"), "--output", Out()], model, "not a model file");
    }

    // ---- score: output path (case 10) ----

    [TestMethod]
    public void ScoreIntoAMissingDirectoryIsABadCommandLine()
    {
        var output = _dir.Combine("no-such-dir", "scores.tsv");
        BadInputAssert.Cli(2, ["score", "--model", _keysWithIds, "--input", Rows("UserId\tItemId\nu100\ti200\n"), "--output", output],
            "--output", "no-such-dir", "does not exist");
    }

    [TestMethod]
    public void ScoreIntoADirectoryIsABadCommandLine() =>
        BadInputAssert.Cli(2, ["score", "--model", _keysWithIds, "--input", Rows("UserId\tItemId\nu100\ti200\n"), "--output", _dir.Path],
            "--output", "is a directory");

    [TestMethod]
    [DataRow(new[] { "score", "--input", "x.tsv" }, "--model and --input are required", DisplayName = "no --model")]
    [DataRow(new[] { "score", "--model" }, "option --model needs a value", DisplayName = "--model without value")]
    [DataRow(new[] { "score", "--model", "/no/such/model.zip", "--input", "x" }, "--model: file not found: /no/such/model.zip", DisplayName = "missing model")]
    [DataRow(new[] { "score", "--threshold", "1" }, "unknown option '--threshold'", DisplayName = "unknown score option")]
    public void ScoreArgumentErrorsExitWithTwo(string[] args, string expected) => BadInputAssert.Cli(2, args, expected);

    // ---- score: rows (case 5) ----

    [TestMethod]
    public void ScoreReportsNonNumericIdsWithLineNumbers()
    {
        var input = Rows("userId\tmovieId\n1\t2\nseven\t3\n4\t5\n5\tx\n");
        BadInputAssert.Cli(1, ["score", "--model", _numericIds, "--input", input, "--output", Out()],
            input, "2 unparsable row(s)", "line 3: column 'userId' holds 'seven'", "line 5: column 'movieId' holds 'x'");
    }

    [TestMethod]
    public void ScoreReportsARowWithOnlyAUser()
    {
        var input = Rows("UserId\tItemId\nu100\ti200\nu101\n");
        BadInputAssert.Cli(1, ["score", "--model", _keysWithIds, "--input", input, "--output", Out()], input, "line 3: 1 field(s), the header has 2");
    }

    // ---- score: headers and model kinds (case 12) ----

    [TestMethod]
    public void ScoreWithACommaSeparatedFileSaysItMustBeTabs()
    {
        var input = Rows("UserId,ItemId\nu100,i200\n");
        BadInputAssert.Cli(1, ["score", "--model", _keysWithIds, "--input", input, "--output", Out()],
            input, "line 1", "names none of the input columns", "'UserId' (Key<UInt32, 0-11>)", "tab-separated");
    }

    [TestMethod]
    public void ScoreWithWrongColumnNamesListsTheExpectedOnes()
    {
        var input = Rows("user\titem\nu100\ti200\n");
        BadInputAssert.Cli(1, ["score", "--model", _keysWithIds, "--input", input, "--output", Out()], "'UserId'", "'ItemId'", "'Label'");
    }

    [TestMethod]
    public void ScoreWithAMissingColumnSaysWhichTheModelNeeds()
    {
        var input = Rows("UserId\nu100\n");
        BadInputAssert.Cli(1, ["score", "--model", _keysWithIds, "--input", input, "--output", Out()], "cannot score", "ItemId", "The model expects the columns");
    }

    [TestMethod]
    public void ScoreWithAMulticlassModelWithoutItsLabelSaysWhichColumnsItExpects()
    {
        var input = Rows("Length\tWidth\n1\t2\n");
        BadInputAssert.Cli(1, ["score", "--model", _multiclass, "--input", input, "--output", Out()], "Label", "The model expects the columns", "'Length' (Single)");
    }

    [TestMethod]
    public void ScoreWithAMulticlassModelSaysItNeedsASingleScore()
    {
        var input = Rows("Length\tWidth\tLabel\n1\t2\tc1\n");
        BadInputAssert.Cli(1, ["score", "--model", _multiclass, "--input", input, "--output", Out()], "multiclass", "Vector<Single, 3>");
    }

    // ---- score: key-typed ids (case 6) ----

    [TestMethod]
    public void ScoreRefusesBareKeyColumnsWithAnExplanation()
    {
        var input = Rows("UserId\tItemId\n3\t4\n");
        BadInputAssert.Cli(1, ["score", "--model", _bareKeys, "--input", input, "--output", Out()],
            "'UserId'", "key column", "without key values", "MapValueToKey");
    }

    [TestMethod]
    public void ScoreMapsIdsThroughTheModelsKeyValues()
    {
        // u103/i205 are the ids of user index 3 and item index 5; "u999" is unknown and warned about.
        var input = Rows("UserId\tItemId\nu103\ti205\nu100\ti201\nu999\ti201\n");
        var output = Out();
        var stderr = BadInputAssert.Cli(0, ["score", "--model", _keysWithIds, "--input", input, "--output", output],
            "warning", "1 row(s) have a UserId the model was not trained on (lines 4)");
        var scores = File.ReadLines(output).Skip(1).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();

        var ml = new MLContext(1);
        var data = BadInputModels.Ratings();
        var probe = new MLNetRecExtensions.Data.InteractionData(data.UserCount, data.ItemCount, [3, 0], [5, 1], [0f, 0f], null, data.UserIds, data.ItemIds);
        var expected = _keysModel.Transform(probe.ToDataView(ml)).GetColumn<float>("Score").ToArray();
        Assert.AreEqual(3, scores.Length, stderr);
        Assert.AreEqual(expected[0], scores[0], "u103 × i205 scores as user index 3 × item index 5");
        Assert.AreEqual(expected[1], scores[1]);
        Assert.IsTrue(float.IsFinite(scores[2]), "the unknown user gets the model's fallback score");
    }

    // ---- compare (cases 1, 2, 3, 8, 11, 14) ----

    [TestMethod]
    public void CompareIntoAnExistingFileFailsBeforeTraining()
    {
        var file = _dir.File("leaderboard-file", "x");
        BadInputAssert.Cli(2, ["compare", "--out", file], "--out must be a directory", file);
    }

    [TestMethod]
    [DataRow(new[] { "compare", "--rating-range", "5:1" }, "--rating-range must be MIN:MAX", DisplayName = "reversed rating range")]
    [DataRow(new[] { "compare", "--rating-range", "one:five" }, "got 'one:five'", DisplayName = "non-numeric rating range")]
    [DataRow(new[] { "compare", "--duplicates", "average" }, "--duplicates must be one of error, mean, last, sum, keep, got 'average'", DisplayName = "unknown duplicate policy")]
    [DataRow(new[] { "compare", "--dataset", "csv:" }, "--dataset csv needs a path", DisplayName = "csv without path")]
    public void CompareArgumentErrorsExitWithTwo(string[] args, string expected) => BadInputAssert.Cli(2, args, expected);

    private static string MovieLens(string content) => _dir.File($"u-{Guid.NewGuid():N}.data", content);

    [TestMethod]
    public void CompareOnARatingOf1e30StopsWithTheLine()
    {
        var path = MovieLens("196\t242\t3\t881250949\n186\t302\t1e30\t891717742\n");
        BadInputAssert.Cli(1, ["compare", "--dataset", $"movielens-100k:{path}", "--out", _dir.Combine("o1")], path, "line 2", "1e30");
    }

    [TestMethod]
    public void CompareOnATwoRowFileSaysHowMuchDataIsNeeded()
    {
        var path = MovieLens("196\t242\t3\t881250949\n186\t302\t4\t891717742\n");
        BadInputAssert.Cli(1, ["compare", "--dataset", $"movielens-100k:{path}", "--out", _dir.Combine("o2")], "Too little data", "4 or more distinct items");
    }

    [TestMethod]
    public void CompareOnASingleItemDatasetNamesTheCause()
    {
        var path = MovieLens(string.Concat(Enumerable.Range(1, 8).Select(u => $"{u}\t50\t{1 + u % 5}\t88125094{u}\n")));
        BadInputAssert.Cli(1, ["compare", "--dataset", $"movielens-100k:{path}", "--out", _dir.Combine("o3")], "single item", "at least 2 items");
    }

    /// <summary>30 users × 8 of 12 items with ratings 1–5 and timestamps, as u.data lines.</summary>
    private static string SmallMovieLens()
    {
        var lines = new List<string>();
        for (int u = 0; u < 30; u++)
            for (int k = 0; k < 8; k++)
                lines.Add($"{u + 1}\t{(u + k) % 12 + 1}\t{1 + (u * k) % 5}\t{880000000 + u * 100 + k}");
        return string.Join("\n", lines) + "\n";
    }

    [TestMethod]
    public void CompareOnTheWholeFileTwiceReportsDuplicatesOrMergesThem()
    {
        var once = SmallMovieLens();
        var path = MovieLens(once + once);
        BadInputAssert.Cli(1, ["compare", "--dataset", $"movielens-100k:{path}", "--out", _dir.Combine("o4")], path, "line 241", "repeat line 1", "--duplicates");
        var output = _dir.Combine("o5");
        BadInputAssert.Cli(0, ["compare", "--dataset", $"movielens-100k:{path}", "--duplicates", "mean", "--k", "50", "--out", output]);
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "leaderboard.md")), "> Warning: K = 50 is larger than the catalog (12 items)");
    }
}
