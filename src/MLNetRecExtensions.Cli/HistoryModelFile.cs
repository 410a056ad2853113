using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>history-model.zip</c> beside model.zip: the typed matrix factorization model (<see cref="MatrixFactorizationModel.Save"/>)
/// whose saved input schema carries the item ids as key values, so that <c>recommend --items</c> can fold a user in
/// from recent items. Written only when the chosen recommender is a matrix factorization model.
/// </summary>
internal static class HistoryModelFile
{
    public static string PathBeside(string modelPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "history-model.zip");

    /// <summary>Writes the file when <paramref name="recommender"/> folds in through a matrix factorization model.</summary>
    public static void SaveIfSupported(MLContext ml, IItemRecommender<string, string> recommender, string modelPath)
    {
        if (recommender is not EmbeddingRecommender<string, string> { Model: MatrixFactorizationModel mf }) return;
        var schema = new InteractionData(mf.UserCount, mf.ItemCount, [], [], [], null, [.. recommender.Users.Ids], [.. recommender.Items.Ids]).ToDataView(ml).Schema;
        mf.Save(ml, mf, schema, PathBeside(modelPath));
    }

    /// <summary>The top <paramref name="k"/> items (original ids) for a user known only by <paramref name="items"/>.</summary>
    /// <exception cref="UsageException">There is no history model beside <paramref name="modelPath"/>.</exception>
    public static (IReadOnlyList<(string Item, float Score)> Items, bool IsColdStart) Recommend(MLContext ml, string modelPath, IReadOnlyList<string> items, int k)
    {
        var path = PathBeside(modelPath);
        if (!File.Exists(path))
            throw new UsageException($"--items needs {path}, which mlnet-rec recommendation writes when it chooses a matrix factorization model; this model cannot fold in recent items");
        var model = MatrixFactorizationModel.Load(ml, path, out _, out var schema);
        var ids = IdMapping.FromKeyColumn<string>(schema[model.ItemColumnName]);
        var known = items.Select(i => ids.TryGetIndex(i, out int x) ? x : -1).Where(x => x >= 0).ToArray();
        var top = HistoryRecommendations.Recommend(model, known, [], k);
        var list = new List<(string, float)>();
        for (int r = 0; r < top.CountOf(0); r++) list.Add((ids[top.ItemsOf(0)[r]], top.ScoresOf(0)[r]));
        return (list, known.Length == 0);
    }
}
