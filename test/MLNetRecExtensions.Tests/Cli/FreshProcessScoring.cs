using System.Diagnostics;
using System.Globalization;

namespace MLNetRecExtensions.Tests.Cli;

/// <summary>Scores a saved model in a fresh process (<c>mlnet-rec score</c>) and compares with in-process scores.</summary>
internal static class FreshProcessScoring
{
    /// <summary>
    /// Runs <c>mlnet-rec score --model <paramref name="modelPath"/> --input <paramref name="inputPath"/></c> in a new
    /// process and asserts exit code 0 and that every score equals <paramref name="expected"/> bit for bit.
    /// </summary>
    public static void AssertBitIdentical(string modelPath, string inputPath, float[] expected)
    {
        var outputPath = Path.Combine(Path.GetDirectoryName(inputPath)!, "scores.tsv");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mlnet-rec.dll"), "score", "--model", modelPath, "--input", inputPath, "--output", outputPath })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, stderr);

        var actual = File.ReadLines(outputPath).Skip(1).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
            Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[r]), BitConverter.SingleToInt32Bits(actual[r]), $"row {r}: {expected[r]} vs {actual[r]}");
    }
}
