using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>history-model.zip</c> beside model.zip: the typed embedding model — matrix factorization
/// (<see cref="MatrixFactorizationModel.Save"/>) or two-tower (<see cref="TwoTowerTransformer.Save"/>) — whose saved input
/// schema carries the item ids as key values, so that <c>recommend --items</c> can answer for a user known only by recent
/// items (MF folds them in, the two-tower runs its user tower on them as history). Written when the chosen recommender is
/// one of those two.
/// </summary>
internal static class HistoryModelFile
{
    public static string PathBeside(string modelPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "history-model.zip");

    /// <summary>Writes the file when <paramref name="recommender"/> answers histories through a matrix factorization or two-tower model.</summary>
    public static void SaveIfSupported(MLContext ml, IItemRecommender<string, string> recommender, string modelPath)
    {
        if (recommender is not EmbeddingRecommender<string, string> { Model: var model } || model is not (MatrixFactorizationModel or TwoTowerTransformer)) return;
        var schema = new InteractionData(model.UserEmbeddings.Count, model.ItemEmbeddings.Count, [], [], [], null, [.. recommender.Users.Ids], [.. recommender.Items.Ids])
            .ToDataView(ml).Schema;
        if (model is MatrixFactorizationModel mf) mf.Save(ml, mf, schema, PathBeside(modelPath));
        else ((TwoTowerTransformer)model).Save(ml, (TwoTowerTransformer)model, schema, PathBeside(modelPath));
    }

    /// <summary>The top <paramref name="k"/> items (original ids) for a user known only by <paramref name="items"/>.</summary>
    /// <exception cref="UsageException">There is no history model beside <paramref name="modelPath"/>.</exception>
    public static (IReadOnlyList<(string Item, float Score)> Items, bool IsColdStart) Recommend(MLContext ml, string modelPath, IReadOnlyList<string> items, int k)
    {
        var path = PathBeside(modelPath);
        if (!File.Exists(path))
            throw new UsageException($"--items needs {path}, which mlnet-rec recommendation writes when it chooses a matrix factorization or two-tower model; this model cannot answer for recent items");
        IHistoryEmbeddingModel model;
        DataViewSchema schema;
        if (RecModelFile.ReadState(path).ModelKind == TwoTowerTransformer.TypedStateKind) model = TwoTowerTransformer.Load(ml, path, out _, out schema);
        else model = MatrixFactorizationModel.Load(ml, path, out _, out schema);
        var ids = IdMapping.FromKeyColumn<string>(schema[model.ItemColumnName]);
        var known = items.Select(i => ids.TryGetIndex(i, out int x) ? x : -1).Where(x => x >= 0).ToArray();
        var top = HistoryRecommendations.Recommend(model, known, [], k);
        var list = new List<(string, float)>();
        for (int r = 0; r < top.CountOf(0); r++) list.Add((ids[top.ItemsOf(0)[r]], top.ScoresOf(0)[r]));
        return (list, known.Length == 0);
    }
}
