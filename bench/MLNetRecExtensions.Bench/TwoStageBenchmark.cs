using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>twostage</c>: MovieLens-100K, per-user stratified 75/25 split (seed 42), k = 10. Implicit ALS (defaults) alone vs
/// its top 100 re-ranked by FastTree LambdaMART (defaults, and a slower, more regularised setting: 16 leaves, 300 trees,
/// learning rate 0.05, ≥ 50 rows per leaf, NDCG@10 truncation), by a FastTree binary classifier and by Wide & Deep, with the core pair features only
/// and with the MovieLens side features. Reports NDCG@10, Recall@10, MAP@10 and recall@100 of the candidates, and the
/// time of each stage as a ratio to the candidate generator's own time (refit on all training data + top-100 for
/// the test users). Args: [path to u.data] (default ../shared/data/movielens-100k/u.data), "norefit" serves the
/// base-part generator instead of refitting it.
/// </summary>
internal sealed class TwoStageBenchmark : IBenchmark
{
    public string Name => "twostage";
    public string Description => "two-stage: ALS top-100 candidates re-ranked by FastTree LambdaMART / binary, ML-100K, with and without side features";

    public void Run(string[] args)
    {
        var path = args.FirstOrDefault(a => a.EndsWith("u.data", StringComparison.Ordinal)) ?? FindData();
        bool refit = !args.Contains("norefit");
        var dir = Path.GetDirectoryName(path)!;
        var data = InteractionLoaders.ReadMovieLens100K(path);
        var side = MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data);
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        Console.WriteLine($"MovieLens-100K: {data.UserCount} users, {data.ItemCount} items; stratified 75/25 (seed 42), " +
            $"ranker labels = random 20% of each user's training rows, N = 100, k = 10, generator refit: {refit}");

        var ml = new MLContext(42);
        var rankers = new (string Name, Func<IEstimator<ITransformer>> Create)[]
        {
            ("LambdaMART", () => ml.Ranking.Trainers.FastTree(labelColumnName: PairFeatureColumns.Label,
                featureColumnName: PairFeatureColumns.Features, rowGroupColumnName: PairFeatureColumns.GroupId)),
            ("LambdaMART tuned", () => ml.Ranking.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRankingTrainer.Options {
                LabelColumnName = PairFeatureColumns.Label, FeatureColumnName = PairFeatureColumns.Features, RowGroupColumnName = PairFeatureColumns.GroupId,
                NumberOfLeaves = 16, NumberOfTrees = 300, LearningRate = 0.05, MinimumExampleCountPerLeaf = 50, NdcgTruncationLevel = 10 })),
            ("FastTree binary", () => ml.BinaryClassification.Trainers.FastTree(labelColumnName: PairFeatureColumns.LabelBool,
                featureColumnName: PairFeatureColumns.Features)),
            // Wide part: the pair features; deep part: the same features plus user and item embeddings.
            ("Wide & Deep", () => ml.Recommenders().Trainers.WideAndDeep(new WideAndDeepOptions {
                LabelColumnName = PairFeatureColumns.LabelBool, WideFeatureColumnName = PairFeatureColumns.Features,
                ContinuousColumnNames = [PairFeatureColumns.Features], CategoricalColumnNames = [PairFeatureColumns.User, PairFeatureColumns.Item],
                NumberOfEpochs = 5, Seed = 42 })),
        };
        var sources = new (string Name, IPairFeatureSource[] Sources)[]
        {
            ("core", []),
            ("core + side", [new MovieLensPairFeatureSource(side)]),
        };

        Console.WriteLine($"\n{"model",-36} {"NDCG@10",8} {"Recall@10",10} {"MAP@10",8} {"cand R@100",11} {"rows",7} {"pos",6}   time ratios to the generator: feats  ranker fit  scoring  total");
        RankingReport? alone = null;
        foreach (var (rankerName, create) in rankers)
            foreach (var (sourceName, featureSources) in sources)
            {
                var options = new TwoStageOptions { RefitCandidateGenerator = refit, FeatureSources = featureSources.ToList() };
                var recommender = new TwoStageRecommender(ml, ml.Recommenders().Trainers.ImplicitAls(), create(), options);
                var report = recommender.Evaluate(split);
                var t = report.Training;
                var s = report.Serving;
                var generator = (refit ? t.RefitTime : t.CandidateFit) + s.CandidateGeneration;
                double Ratio(TimeSpan x) => x / generator;
                if (alone == null)
                {
                    alone = report.CandidateGenerator;
                    Console.WriteLine($"{"implicit ALS alone",-36} {alone.Ndcg,8:F4} {alone.Recall,10:F4} {alone.Map,8:F4} {report.CandidateRecall,11:F4} " +
                        $"{"",7} {"",6}   generator time {generator.TotalSeconds:F2} s (fit {(generator - s.CandidateGeneration).TotalSeconds:F2} s + top-100 {s.CandidateGeneration.TotalSeconds:F2} s)");
                }
                var r = report.Reranked;
                var total = t.CandidateFit + t.CandidateGeneration + t.FeatureBuilding + t.RankerFit + s.CandidateGeneration + s.FeatureBuilding + s.Scoring;
                Console.WriteLine($"{"ALS → " + rankerName + " (" + sourceName + ")",-36} {r.Ndcg,8:F4} {r.Recall,10:F4} {r.Map,8:F4} {report.CandidateRecall,11:F4} " +
                    $"{t.RankerRows,7} {t.RankerPositives,6}   {Ratio(t.FeatureBuilding + s.FeatureBuilding),26:F2}x {Ratio(t.RankerFit),10:F2}x {Ratio(s.Scoring),7:F2}x {Ratio(total),5:F1}x");
            }
    }

    private static string FindData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.Parent?.FullName ?? ".", "shared", "data", "movielens-100k", "u.data");
    }
}
