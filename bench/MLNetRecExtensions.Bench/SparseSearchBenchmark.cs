using System.Globalization;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.ModelSelection;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Recommendation;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// The sparse-data generalization check of <c>mlnet-rec recommendation</c> (issue 9): writes a sparse sample of
/// MovieLens 100K — each user's rows shuffled with one <see cref="Random"/>(<c>--sample-seed</c>, default 42), users
/// in file order, the first <c>--per-user</c> (default 10) kept, lines unchanged — and prints the test NDCG@10 of
/// every family's defaults on the split the command uses (Recommenders' stratified 75/25, seed 42, implicit: user
/// and item columns only). The tuned figure comes from running the command on the written file:
/// <c>mlnet-rec recommendation --dataset FILE --user-col 0 --item-col 1 --separator tab --train-time 240</c>.
/// Quality only; no timing.
/// </summary>
internal sealed class SparseSearchBenchmark : IBenchmark
{
    public string Name => "sparse";
    public string Description => "sparse ML-100K sample (at most 10 random ratings per user): write it, print the defaults' test NDCG@10";

    public void Run(string[] args)
    {
        string source = BenchArgs.Get(args, "--data", "../shared/data/movielens-100k/u.data");
        int perUser = int.Parse(BenchArgs.Get(args, "--per-user", "10"), CultureInfo.InvariantCulture);
        int sampleSeed = int.Parse(BenchArgs.Get(args, "--sample-seed", "42"), CultureInfo.InvariantCulture);
        string path = BenchArgs.Get(args, "--write", $"ml100k-sparse{perUser}-seed{sampleSeed}.tsv");
        Write(source, path, perUser, sampleSeed);
        var all = InteractionLoaders.ReadDelimited(path, new DelimitedFileFormat { Separator = "\t", HasHeader = false, UserColumn = "0", ItemColumn = "1" });
        Console.WriteLine($"{path}: {all.Count:N0} rows, {all.UserCount:N0} users, {all.ItemCount:N0} items");
        var split = InteractionSplits.RecommendersStratifiedByUser(all, 0.75, 42);
        var ml = new MLContext(42);
        Console.WriteLine("| defaults of | test NDCG@10 |\n|---|---|");
        foreach (var kind in new[] { RecommenderKind.Popularity, RecommenderKind.ImplicitAls, RecommenderKind.TwoTower, RecommenderKind.TwoStage })
        {
            var fitted = FittedRecommender.Fit(ml, TrialSettings.Defaults(kind), split.Train, 42, 10, Ranker);
            Console.WriteLine($"| {kind} | {RecommendationEvaluator.Evaluate(fitted.Recommender, split.Test, 10).Ndcg:F4} |");
        }
    }

    // The CLI's two-stage ranker: FastTree LambdaMART on the pair features, grouped by user.
    private static IEstimator<ITransformer> Ranker(MLContext ml) => ml.Ranking.Trainers.FastTree(
        labelColumnName: PairFeatureColumns.Label, featureColumnName: PairFeatureColumns.Features,
        rowGroupColumnName: PairFeatureColumns.GroupId, numberOfTrees: 50);

    /// <summary>Keeps at most <paramref name="perUser"/> random lines of each user (first column), as the summary says.</summary>
    private static void Write(string source, string path, int perUser, int seed)
    {
        var random = new Random(seed);
        var kept = new List<string>();
        foreach (var user in File.ReadLines(source).Where(l => l.Length > 0).GroupBy(l => l.Split('\t')[0]))
        {
            var rows = user.ToArray();
            random.Shuffle(rows);
            kept.AddRange(rows.Take(perUser));
        }
        File.WriteAllLines(path, kept);
    }
}
