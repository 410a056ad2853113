using Microsoft.ML;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.ModelSelection;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Cli;

/// <summary>The models <c>mlnet-rec compare</c> puts side by side, all built through the public catalog.</summary>
internal static class ComparisonModels
{
    /// <param name="ml">The context.</param>
    /// <param name="dataset">Decides which models apply (rating models need ratings, side-feature models side features).</param>
    /// <param name="seed">Seed of every model.</param>
    /// <param name="log">Receives per-epoch lines of the slower trainers.</param>
    /// <param name="models">Families on the board; null for the default board (all but two-stage).</param>
    public static RecommenderComparison Create(MLContext ml, LoadedDataset dataset, int seed, Action<string> log,
        IReadOnlyCollection<RecommenderKind>? models = null)
    {
        bool On(RecommenderKind kind) => models == null ? kind != RecommenderKind.TwoStage : models.Contains(kind);
        var epochs = new SynchronousProgress<TwoTowerProgress>(p =>
            log($"epoch {p.Epoch}/{p.EpochCount}: loss {p.Loss:F4} ({p.Elapsed.TotalSeconds:F1} s)"));
        var trainers = ml.Recommenders().Trainers;
        var comparison = new RecommenderComparison(ml);
        if (On(RecommenderKind.Popularity)) comparison.Add("Popularity", trainers.Popularity());
        if (dataset.HasRatings && On(RecommenderKind.MatrixFactorization))
            comparison.Add("MF explicit (SGD)", trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { Seed = seed }), predictsRatings: true);
        if (On(RecommenderKind.ImplicitAls))
        {
            comparison.Add("iALS (WALS, w0=1)", trainers.ImplicitAls(new ImplicitAlsTrainer.Options { Seed = seed }));
            // The same model trained on positives only: the folding baseline the unobserved weight corrects.
            comparison.Add("iALS positives only (w0=0)", trainers.ImplicitAls(new ImplicitAlsTrainer.Options { Seed = seed, UnobservedWeight = 0 }));
        }
        // YouTube-DNN style candidate generation: user tower = user ID + mean-pooled training history, in-batch softmax with log-Q.
        if (On(RecommenderKind.TwoTower))
            comparison.Add("Two-tower (in-batch, log-Q)", trainers.TwoTower(new TwoTowerOptions { Seed = seed, Progress = epochs }));
        if (On(RecommenderKind.TwoStage))
            comparison.Add("Two-stage (iALS → LambdaMART)", RecommenderTrainers.Create(ml, TrialSettings.Defaults(RecommenderKind.TwoStage), seed,
                dataset.HasRatings, 10, TwoStageRanker.Create).Trainer!);
        if (dataset.SideFeatures != null && On(RecommenderKind.TwoTower))
            comparison.Add("Two-tower + side features", trainers.TwoTower(new TwoTowerOptions
            {
                Seed = seed, Progress = epochs, CategoricalColumnNames = ["Gender", "Occupation"], ContinuousColumnNames = ["Age"], ItemContinuousColumnNames = ["Genres"],
            }));
        return comparison;
    }
}
