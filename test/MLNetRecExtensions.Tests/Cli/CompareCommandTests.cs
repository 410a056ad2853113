using MLNetRecExtensions.Cli;

namespace MLNetRecExtensions.Tests.Cli;

[TestClass]
public sealed class CompareCommandTests
{
    [TestMethod]
    [DataRow(new[] { "compare", "--k", "0" }, "--k must be at least 1, got 0")]
    [DataRow(new[] { "compare", "--k", "ten" }, "--k must be an integer, got 'ten'")]
    [DataRow(new[] { "compare", "--split", "sideways" }, "--split must be one of random, stratified, temporal, got 'sideways'")]
    [DataRow(new[] { "compare", "--dataset", "netflix:x" }, "--dataset must be synthetic, movielens-100k:PATH")]
    [DataRow(new[] { "compare", "--dataset", "movielens-100k:/no/such/u.data" }, "file not found: /no/such/u.data")]
    [DataRow(new[] { "compare", "--seed" }, "option --seed needs a value")]
    [DataRow(new[] { "compare", "--frobnicate" }, "unknown option '--frobnicate'")]
    [DataRow(new[] { "recommend-all" }, "unknown command 'recommend-all'")]
    public void BadArgumentsPrintOneLineAndExitWithTwo(string[] args, string expected)
    {
        var error = new StringWriter();
        int code = CliApp.Run(args, error);
        Assert.AreEqual(2, code);
        var text = error.ToString();
        StringAssert.Contains(text, expected);
        Assert.AreEqual(1, text.TrimEnd().Split('\n').Length, $"one line expected, got: {text}");
    }

    [TestMethod]
    public void CompareOnMovieLensWritesTheLeaderboardFiles()
    {
        var path = TestData.RequireFile("movielens-100k", "u.data");
        var output = Path.Combine(Path.GetTempPath(), $"mlnet-rec-{Guid.NewGuid():N}");
        try
        {
            int code = CliApp.Run(["compare", "--dataset", $"movielens-100k:{path}", "--split", "stratified", "--k", "10", "--out", output]);
            Assert.AreEqual(0, code);
            var markdown = File.ReadAllText(Path.Combine(output, "leaderboard.md"));
            StringAssert.Contains(markdown, "| Model | Precision@10 | Recall@10 | NDCG@10 | MAP |");
            StringAssert.Contains(markdown, "| Popularity |");
            Assert.IsTrue(new FileInfo(Path.Combine(output, "leaderboard.png")).Length > 1000);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
