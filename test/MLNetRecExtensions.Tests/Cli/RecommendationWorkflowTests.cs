using System.Diagnostics;
using System.Text.Json;
using MLNetRecExtensions.Cli;

namespace MLNetRecExtensions.Tests.Cli;

/// <summary>
/// The Model Builder-style chain on a small file with string ids, quoted fields, a byte-order mark and CRLF:
/// recommendation → model.zip → recommend → the generated projects build and run → evaluate.
/// </summary>
[TestClass]
public sealed class RecommendationWorkflowTests
{
    // 40 users in 4 taste groups over 32 items ("item, 0" … with a comma, so quoted), 6 in-group items each.
    private static string WriteSmallFile(string dir)
    {
        var random = new Random(11);
        var lines = new List<string> { "\uFEFFuser;item;stars" };
        for (int u = 0; u < 40; u++)
            foreach (var i in Enumerable.Range(0, 8).Select(x => u % 4 + 4 * x).OrderBy(_ => random.Next()).Take(6))
                lines.Add($"\"user {u}\";\"item, {i}\";{1 + random.Next(5)}");
        var path = Path.Combine(dir, "ratings.csv");
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        return path;
    }

    private static string[] FileOptions(string path) =>
        ["--dataset", path, "--has-header", "--separator", ";", "--user-col", "user", "--item-col", "item"];

    [TestMethod]
    public void FullChainFromAFileToGeneratedCodeThatPrintsTheSameRecommendations()
    {
        var dir = Directory.CreateTempSubdirectory("mlnetrec-chain").FullName;
        try
        {
            var data = WriteSmallFile(dir);
            var output = Path.Combine(dir, "out");
            int code = CliApp.Run(["recommendation", .. FileOptions(data), "--train-time", "30", "--models", "popularity,ials", "--max-trials", "4", "--k", "5", "-o", output]);
            Assert.AreEqual(0, code);
            foreach (var f in new[] { "model.zip", "recommendation.mbconfig", "leaderboard.md", "leaderboard.png", "Consumption/Program.cs", "Training/Program.cs" })
                Assert.IsTrue(File.Exists(Path.Combine(output, f)), f);
            using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "recommendation.mbconfig"))))
            {
                var trials = config.RootElement.GetProperty("trials");
                Assert.AreEqual(4, trials.GetArrayLength());
                Assert.AreEqual("Popularity", trials[0].GetProperty("model").GetString());
                // Each trial records its score on the three validation splits; its metric is their mean.
                var folds = trials[1].GetProperty("foldMetrics").EnumerateArray().Select(f => f.GetDouble()).ToList();
                Assert.HasCount(3, folds);
                Assert.AreEqual(folds.Average(), trials[1].GetProperty("metric").GetDouble(), 1e-12);
                Assert.IsTrue(config.RootElement.GetProperty("testMetrics").GetProperty("ndcg").GetDouble() > 0);
            }

            var recs = Path.Combine(dir, "recs.csv");
            Assert.AreEqual(0, CliApp.Run(["recommend", "--model", Path.Combine(output, "model.zip"), "--user", "user 2", "--k", "5", "--output", recs]));
            var lines = File.ReadAllLines(recs);
            Assert.AreEqual("user,item,rank,score", lines[0]);
            Assert.HasCount(6, lines);
            // user 2 is in group 2: its unseen in-group items ("item, 2", "item, 6", …: 2 of 8 unseen) lead the list.
            StringAssert.StartsWith(lines[1], "user 2,\"item, ");
            Assert.IsTrue(lines.Skip(1).Take(2).All(l => int.Parse(l.Split('"')[1].Split(' ')[1]) % 4 == 2), string.Join("\n", lines));

            // The generated consumption project builds against Microsoft.ML alone and prints the same list.
            var printed = RunDotnet(dir, "run", "--project", Path.Combine(output, "Consumption"), "-c", "Release", "--", "user 2", "5");
            CollectionAssert.AreEqual(lines, printed.Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToArray());
            // The generated training project retrains the chosen model in plain library calls, against the copied library assembly.
            // It restores from nuget.org alone: no project reference into this source tree, no package that is on no feed.
            var trainingProject = File.ReadAllText(Path.Combine(output, "Training", "Training.csproj"));
            Assert.DoesNotContain("ProjectReference", trainingProject);
            Assert.DoesNotContain("<PackageReference Include=\"MLNetRecExtensions\"", System.Text.RegularExpressions.Regex.Replace(trainingProject, "<!--.*?-->", "", System.Text.RegularExpressions.RegexOptions.Singleline));
            StringAssert.Contains(trainingProject, "<HintPath>lib/MLNetRecExtensions.dll</HintPath>");
            Assert.IsTrue(File.Exists(Path.Combine(output, "Training", "lib", "MLNetRecExtensions.dll")));
            var retrained = Path.Combine(dir, "retrained.zip");
            RunDotnet(dir, "run", "--project", Path.Combine(output, "Training"), "-c", "Release", "--", data, retrained);
            Assert.IsTrue(new FileInfo(retrained).Length > 1000);

            // model.zip stores the top 5 per user: asking for more is a usage error naming both numbers, not a silent 5.
            var kError = new StringWriter();
            Assert.AreEqual(2, CliApp.Run(["recommend", "--model", Path.Combine(output, "model.zip"), "--user", "user 2", "--k", "6"], kError));
            StringAssert.Contains(kError.ToString(), "--k 6:");
            StringAssert.Contains(kError.ToString(), "stores the top 5 items per user");
            Assert.AreEqual(2, CliApp.Run(["evaluate", "--model", Path.Combine(output, "model.zip"), .. FileOptions(data), "--k", "6"], new StringWriter()));

            var error = new StringWriter();
            Assert.AreEqual(0, CliApp.Run(["evaluate", "--model", Path.Combine(output, "model.zip"), .. FileOptions(data), "--k", "5"], error), error.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ConfigReplaysTheRunAndCompareReadsTrainAndTestFiles()
    {
        var dir = Directory.CreateTempSubdirectory("mlnetrec-config").FullName;
        try
        {
            var data = WriteSmallFile(dir);
            string first = Path.Combine(dir, "first"), second = Path.Combine(dir, "second");
            Assert.AreEqual(0, CliApp.Run(["recommendation", .. FileOptions(data), "--train-time", "30", "--models", "popularity,ials", "--max-trials", "3", "-o", first]));
            Assert.AreEqual(0, CliApp.Run(["recommendation", "--config", Path.Combine(first, "recommendation.mbconfig"), "--max-trials", "3", "-o", second]));
            string Trials(string d)
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "recommendation.mbconfig")));
                return string.Join(";", doc.RootElement.GetProperty("trials").EnumerateArray()
                    .Select(t => $"{t.GetProperty("model").GetString()} {t.GetProperty("settings")} {t.GetProperty("metric").GetDouble():R}"));
            }
            Assert.AreEqual(Trials(first), Trials(second));

            var lines = File.ReadAllLines(data);
            string train = Path.Combine(dir, "train.csv"), test = Path.Combine(dir, "test.csv");
            File.WriteAllLines(train, lines.Where((_, i) => i == 0 || i % 4 != 0));
            File.WriteAllLines(test, lines.Where((_, i) => i == 0 || i % 4 == 0).Append("\"user 999\";\"item, 1\";3"));
            var board = Path.Combine(dir, "board");
            Assert.AreEqual(0, CliApp.Run(["compare", "--train", train, "--test", test, "--has-header", "--separator", ";", "--user-col", "user",
                "--item-col", "item", "--rating-col", "stars", "--models", "popularity,ials", "--out", board]));
            var markdown = File.ReadAllText(Path.Combine(board, "leaderboard.md"));
            StringAssert.Contains(markdown, "| Popularity |");
            StringAssert.Contains(markdown, "| iALS (WALS, w0=1) |");
            Assert.DoesNotContain("Two-tower", markdown);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("recommendation")]
    [DataRow("recommend")]
    [DataRow("evaluate")]
    [DataRow("compare")]
    [DataRow("score")]
    public void EveryCommandHasHelpWithDefaultsAndAVersion(string command)
    {
        var spec = CommandHelp.All.Single(c => c.Name == command);
        var help = spec.Help();
        foreach (var option in spec.Options)
        {
            StringAssert.Contains(help, option.Name);
            if (option.Default.Length > 0) StringAssert.Contains(help, $"(default: {option.Default})");
        }
        StringAssert.Contains(help, "--version");
        var original = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            Assert.AreEqual(0, CliApp.Run([command, "--help"]));
            Assert.AreEqual(0, CliApp.Run([command, "--version"]));
        }
        finally
        {
            Console.SetOut(original);
        }
        StringAssert.Contains(captured.ToString(), $"mlnet-rec {command} — ");
        StringAssert.Contains(captured.ToString(), $"mlnet-rec {CommandSpec.Version}");
        Assert.AreEqual("0.1.0", CommandSpec.Version);
    }

    [TestMethod]
    [DataRow(new[] { "recommendation" }, "--dataset FILE is required")]
    [DataRow(new[] { "recommendation", "--dataset", "/no/such.csv" }, "--dataset: file not found: /no/such.csv")]
    [DataRow(new[] { "recommendation", "--dataset", "/dev/null", "--optimizing-metric", "auc" }, "'auc' is not a metric")]
    [DataRow(new[] { "recommendation", "--dataset", "/dev/null", "--models", "ials,deepfm" }, "unknown model 'deepfm'")]
    [DataRow(new[] { "recommendation", "--dataset", "/dev/null", "--train-time", "soon" }, "--train-time must be a number, got 'soon'")]
    [DataRow(new[] { "recommend", "--model", "m.zip" }, "give exactly one of --user ID and --users-file FILE")]
    [DataRow(new[] { "recommend", "--model", "/no/m.zip", "--user", "u" }, "--model: file not found: /no/m.zip")]
    [DataRow(new[] { "evaluate", "--model", "m.zip" }, "--dataset FILE is required")]
    [DataRow(new[] { "compare", "--train", "/dev/null" }, "--train and --test go together")]
    [DataRow(new[] { "evaluate", "--bogus" }, "unknown option '--bogus'")]
    public void BadArgumentsOfTheNewCommandsPrintOneLineAndExitWithTwo(string[] args, string expected)
    {
        var error = new StringWriter();
        Assert.AreEqual(2, CliApp.Run(args, error));
        StringAssert.Contains(error.ToString(), expected);
        Assert.AreEqual(1, error.ToString().TrimEnd().Split('\n').Length, error.ToString());
    }

    private static string RunDotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host's MSBuild variables would leak into the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"dotnet {string.Join(' ', args)}\n{stdout.Result}\n{stderr}");
        return stdout.Result;
    }
}
