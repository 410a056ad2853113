using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Cold start through a saved model: the parent saves the two-tower with <c>mlContext.Model.Save</c> and writes one
/// row per (held-out user, item) with the user's features; a fresh process (this benchmark with <c>reload</c>) loads
/// the model with <c>mlContext.Model.Load</c> and scores the rows; the parent ranks the scores.
/// </summary>
internal static class ReloadedScores
{
    private static readonly int Genres = MovieLensSideFeatures.GenreNames.Count;

    /// <param name="requestTimes">Per user index, the request time written to the rows' <c>Timestamp</c> column (the
    /// model reads it when trained with <c>Timestamp</c> as a continuous column); null writes 0.</param>
    public static int[]?[] Rank(MLContext ml, TwoTowerTransformer model, MovieLensSideFeatures side, InteractionData train, int[] users, int items,
        double[]? requestTimes = null)
    {
        var dir = Directory.CreateTempSubdirectory("mlnetrec-cold").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), rowsPath = Path.Combine(dir, "rows.tsv"), outPath = Path.Combine(dir, "scores.bin");
            ml.Model.Save(model, side.ToDataView(ml, train).Schema, modelPath);
            using (var w = new StreamWriter(rowsPath))
                foreach (int u in users)
                    for (int i = 0; i < items; i++)
                        w.WriteLine($"{u}\t{i}\t{side.GenderIndex(u)}\t{side.OccupationIndex(u)}\t{side.UserAge[u].ToString("R", CultureInfo.InvariantCulture)}\t" +
                                    $"{string.Concat(Enumerable.Range(0, Genres).Select(g => side.HasGenre(i, g) ? '1' : '0'))}\t" +
                                    $"{(requestTimes?[u] ?? 0).ToString("R", CultureInfo.InvariantCulture)}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true };
            foreach (var a in new[] { typeof(ReloadedScores).Assembly.Location, "mfvssoftmax", "reload", modelPath, rowsPath, outPath }) start.ArgumentList.Add(a);
            using (var process = Process.Start(start)!)
            {
                string stderr = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"The fresh scoring process failed: {stderr}");
            }
            var bytes = File.ReadAllBytes(outPath);
            var scores = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, scores, 0, bytes.Length);
            var ranked = new int[]?[train.UserCount];
            for (int q = 0; q < users.Length; q++)
            {
                var row = scores.AsSpan(q * items, items).ToArray();
                ranked[users[q]] = Enumerable.Range(0, items).OrderByDescending(i => row[i]).ThenBy(i => i).Take(10).ToArray();
            }
            return ranked;
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The fresh process: <c>reload MODEL ROWS OUT</c>.</summary>
    public static void Child(string[] args)
    {
        var ml = new MLContext(0);
        var model = ml.Model.Load(args[1], out var schema);
        var rows = File.ReadLines(args[2]).Select(l => l.Split('\t')).Select(f => new MfVsSoftmaxBenchmark.KeyRow
        {
            UserId = uint.Parse(f[0]), ItemId = uint.Parse(f[1]), Gender = uint.Parse(f[2]), Occupation = uint.Parse(f[3]),
            Age = float.Parse(f[4], CultureInfo.InvariantCulture), Genres = f[5].Select(c => c == '1' ? 1f : 0f).ToArray(),
            Timestamp = double.Parse(f[6], CultureInfo.InvariantCulture),
        }).ToArray();
        var definition = SchemaDefinition.Create(typeof(MfVsSoftmaxBenchmark.KeyRow));
        definition["Genres"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Genres);
        foreach (var name in new[] { "UserId", "ItemId", "Gender", "Occupation" }) definition[name].ColumnType = schema[name].Type;
        // LoadFromEnumerable stores a key property's value v as key v + 1: the rows carry 0-based indices.
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows, definition)).GetColumn<float>("Score").ToArray();
        var bytes = new byte[scores.Length * 4];
        Buffer.BlockCopy(scores, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(args[3], bytes);
    }
}
