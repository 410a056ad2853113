using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Warm-user variants of the two-tower with u.user/u.item features against the IDs-only model, on ML-100K
/// StratifiedByUser(0.75, seed) for several seeds: NDCG@10 / Recall@10 of each, and the mean over seeds.
/// <c>warmtune SEEDS VARIANTS [data dir]</c>, e.g. <c>warmtune 42,1,2 ids,features</c>.
/// </summary>
internal sealed class WarmTuning : IBenchmark
{
    public string Name => "warmtune";

    public string Description => "two-tower with features vs IDs only on warm users, several split seeds";

    internal static readonly Dictionary<string, Func<TwoTowerOptions?>> Variants = new()
    {
        ["ids"] = () => null,
        ["features"] = MfVsSoftmaxBenchmark.FeatureOptions,
        ["features-e20"] = () => With(o => o.NumberOfEpochs = 20),
        ["features-lr005"] = () => With(o => o.LearningRate = 0.005f),
        ["features-t015"] = () => With(o => o.Temperature = 0.15f),
        ["features-t025"] = () => With(o => o.Temperature = 0.25f),
        ["features-mixed256"] = () => With(o => o.SharedNegatives = 256),
        ["features-time"] = () => With(o => o.ContinuousColumnNames = ["Age", "Timestamp"]),
        ["features-e8"] = () => With(o => o.NumberOfEpochs = 8),
        ["features-lr002"] = () => With(o => o.LearningRate = 0.002f),
        ["features-d96"] = () => With(o => o.EmbeddingDimension = 96),
        ["features-itemdrop01"] = () => With(o => o.ItemIdDropout = 0.1f),
    };

    private static TwoTowerOptions With(Action<TwoTowerOptions> change)
    {
        var o = MfVsSoftmaxBenchmark.FeatureOptions();
        change(o);
        return o;
    }

    public void Run(string[] args)
    {
        var seeds = args[0].Split(',').Select(int.Parse).ToArray();
        var names = args[1] == "all" ? Variants.Keys.ToArray() : args[1].Split(',');
        string dir = args.Length > 2 ? args[2] : TwoTowerBenchmark.DefaultDataDir();
        Console.WriteLine($"warmtune: load {File.ReadAllText("/proc/loadavg").Trim()}");
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var side = MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data);
        var ndcg = names.ToDictionary(n => n, _ => new List<double>());
        foreach (int seed in seeds)
        {
            var split = InteractionSplits.StratifiedByUser(data, 0.75, seed);
            foreach (var name in names)
            {
                var options = Variants[name]();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var model = options == null ? ml.Recommenders().Trainers.TwoTower().Fit(split.Train.ToDataView(ml))
                    : ml.Recommenders().Trainers.TwoTower(options).Fit(side.ToDataView(ml, split.Train));
                var r = TwoTowerQualityReport.Evaluate(model.UserEmbeddings, model, split);
                Console.WriteLine($"seed {seed}  {name,-22} NDCG@10 {r.Ndcg:F4}  Recall@10 {r.Recall:F4}  ({watch.Elapsed.TotalSeconds:F0} s)");
                ndcg[name].Add(r.Ndcg);
            }
        }
        Console.WriteLine($"mean NDCG@10 over seeds {args[0]}:");
        foreach (var n in names) Console.WriteLine($"  {n,-22} {ndcg[n].Average():F4}  ({string.Join(" ", ndcg[n].Select(v => v.ToString("F4")))})");
    }
}
