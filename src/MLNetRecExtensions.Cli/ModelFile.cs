using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Serving.Bundle;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// model.zip: the top-K transformer of the chosen recommender saved with <c>mlContext.Model.Save</c>, read back
/// with plain <c>mlContext.Model.Load</c> and a PredictionEngine (no library code needed at load time). It holds
/// each user's top K items (K = <c>recommendation --k</c>), and says so in one extra zip entry
/// (<see cref="StoredKEntry"/>, the number as text; ML.NET ignores entries it does not know), so that a request for
/// more items fails with a clear message instead of silently returning K. For an embedding model it also holds the
/// serving bundle (<see cref="ServingModel.ModelZipEntry"/>) that <c>mlnet-rec serve</c> reads.
/// </summary>
internal static class ModelFile
{
    public sealed class Input
    {
        public string User { get; set; } = "";
    }

    public sealed class Output
    {
        public string[] RecommendedItems { get; set; } = [];
        public float[] RecommendedScores { get; set; } = [];
        public bool IsColdStart { get; set; }
    }

    /// <summary>The zip entry holding K, the number of items stored per user (version 1: the number as invariant text).</summary>
    public const string StoredKEntry = "MLNetRec/RecommendationsPerUser.v1";

    public static void Save(MLContext ml, IItemRecommender<string, string> recommender, int k, string path)
    {
        var transformer = recommender.ToTransformer(ml, k, TopKRecommendationColumns.User);
        ml.Model.Save(transformer, ml.Data.LoadFromEnumerable(Array.Empty<Input>()).Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var writer = new StreamWriter(zip.CreateEntry(StoredKEntry).Open()))
            writer.Write(k.ToString(CultureInfo.InvariantCulture));
        HistoryModelFile.SaveIfSupported(ml, recommender, path);
        // What `mlnet-rec serve --model model.zip` reads: the embeddings, ids, seen items (and a two-tower's user tower).
        if (recommender is EmbeddingRecommender<string, string> { Model.ItemEmbeddings.Dimension: > 0 } embedding)
            ServingModel.FromRecommender(embedding, ModelId(embedding)).EmbedInModelFile(path);
    }

    /// <summary>K, the items stored per user in the model at <paramref name="path"/>, or null when the file does not say (a model saved otherwise).</summary>
    /// <exception cref="InvalidDataException">The entry is there but does not hold a positive integer.</exception>
    public static int? StoredK(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        if (zip.GetEntry(StoredKEntry) is not { } entry) return null;
        using var reader = new StreamReader(entry.Open());
        string text = reader.ReadToEnd();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0 ? k
            : throw new InvalidDataException($"{path}: entry {StoredKEntry} holds '{text}', not a positive number of items per user; rewrite the model with mlnet-rec recommendation");
    }

    /// <summary>Fails when <paramref name="k"/> asks for more items per user than the model at <paramref name="path"/> stores.</summary>
    /// <exception cref="UsageException">k exceeds the stored K (names both and the fix).</exception>
    public static void CheckK(string path, int k)
    {
        if (StoredK(path) is { } stored && k > stored)
            throw new UsageException($"--k {k}: {path} stores the top {stored} items per user (it was written by mlnet-rec recommendation --k {stored}); ask for --k {stored} or fewer, or retrain with --k {k}");
    }

    private static string ModelId(EmbeddingRecommender<string, string> recommender) => recommender.Model switch
    {
        MLNetRecExtensions.TwoTower.TwoTowerTransformer => "twotower",
        MLNetRecExtensions.Factorization.MatrixFactorizationModel => "mf",
        _ => "model",
    };

    /// <exception cref="UsageException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not a model written by <c>mlnet-rec recommendation</c>.</exception>
    public static PredictionEngine<Input, Output> Load(MLContext ml, string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--model: file not found: {path}");
        try
        {
            var model = ml.Model.Load(path, out _);
            return ml.Model.CreatePredictionEngine<Input, Output>(model);
        }
        catch (Exception e) when (e is not UsageException)
        {
            throw new InvalidDataException($"{path} is not a recommendation model written by mlnet-rec recommendation (a string column 'User' in, 'RecommendedItems' out): {e.Message}");
        }
    }

    /// <summary>The <c>user,item,rank,score</c> lines of one user (rank from 1), as <c>recommend</c> and the generated code print them.</summary>
    public static IEnumerable<string> CsvLines(string user, Output output, int k)
    {
        for (int r = 0; r < Math.Min(k, output.RecommendedItems.Length); r++)
            yield return $"{Csv(user)},{Csv(output.RecommendedItems[r])},{r + 1},{output.RecommendedScores[r].ToString("R", CultureInfo.InvariantCulture)}";
    }

    private static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
