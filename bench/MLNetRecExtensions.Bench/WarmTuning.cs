using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Warm-user variants of the two-tower with u.user/u.item features against the IDs-only model, on ML-100K
/// StratifiedByUser(0.75, seed) for several seeds: NDCG@10 / Recall@10 of each, and the mean over seeds.
/// <c>warmtune [val] SEEDS VARIANTS [data dir]</c>, e.g. <c>warmtune 42,1,2 ids,features</c>. A variant is a name of
/// <see cref="Variants"/> followed by <c>+</c>-separated changes: <c>wd1e-4</c> (EmbeddingWeightDecay), <c>e16</c>
/// (epochs), <c>d96</c> (dimension), <c>lr0.002</c> (learning rate), <c>t0.1</c> (temperature), <c>b512</c> (batch size),
/// <c>ud0.1</c> / <c>id0.1</c> (user / item ID dropout), <c>mix256</c> (shared negatives), <c>full</c> (full softmax),
/// <c>dot</c> (dot-product similarity), <c>nohist</c> (no training-history pooling), e.g. <c>features+wd1e-4+e16</c>, <c>ids+wd1e-4+e16</c>.
/// With <c>val</c> the test side is never read: the split's training rows are split again, StratifiedByUser(0.75, seed + 1000),
/// and variants are trained on the inner training rows and ranked on the inner held-out rows (validation).
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
        ["ids-tuned"] = () => MfVsSoftmaxBenchmark.Tuned(null),
        ["features-tuned"] = () => MfVsSoftmaxBenchmark.Tuned(MfVsSoftmaxBenchmark.FeatureOptions()),
    };

    /// <summary>The options of <paramref name="spec"/> (see the class summary); null for plain <c>ids</c> (the defaults).</summary>
    internal static TwoTowerOptions? Parse(string spec)
    {
        var parts = spec.Split('+');
        var options = Variants[parts[0]]();
        if (parts.Length == 1) return options;
        options ??= new TwoTowerOptions();
        foreach (var p in parts.Skip(1))
        {
            if (p == "full") { options.Loss = TwoTowerLoss.FullSoftmax; continue; }
            if (p == "dot") { options.Similarity = TwoTowerSimilarity.Dot; continue; }
            if (p == "nohist") { options.UseTrainingHistory = false; continue; }
            var m = System.Text.RegularExpressions.Regex.Match(p, "^([a-z]+)(.+)$");
            string v = m.Groups[2].Value;
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            switch (m.Groups[1].Value)
            {
                case "wd": options.EmbeddingWeightDecay = float.Parse(v, inv); break;
                case "e": options.NumberOfEpochs = int.Parse(v, inv); break;
                case "d": options.EmbeddingDimension = int.Parse(v, inv); break;
                case "lr": options.LearningRate = float.Parse(v, inv); break;
                case "t": options.Temperature = float.Parse(v, inv); break;
                case "b": options.BatchSize = int.Parse(v, inv); break;
                case "ud": options.UserIdDropout = float.Parse(v, inv); break;
                case "id": options.ItemIdDropout = float.Parse(v, inv); break;
                case "mix": options.SharedNegatives = int.Parse(v, inv); break;
                default: throw new ArgumentException($"Unknown variant change '{p}' in '{spec}' (expected full, dot, nohist, or wd, e, d, lr, t, b, ud, id, mix followed by a number).");
            }
        }
        return options;
    }

    private static TwoTowerOptions With(Action<TwoTowerOptions> change)
    {
        var o = MfVsSoftmaxBenchmark.FeatureOptions();
        change(o);
        return o;
    }

    public void Run(string[] args)
    {
        bool validation = args[0] == "val";
        if (validation) args = args[1..];
        var seeds = args[0].Split(',').Select(int.Parse).ToArray();
        var names = args[1] == "all" ? Variants.Keys.ToArray() : args[1].Split(',');
        string dir = args.Length > 2 ? args[2] : TwoTowerBenchmark.DefaultDataDir();
        Console.WriteLine($"warmtune {(validation ? "validation (inner split of the training rows)" : "test")}: load {File.ReadAllText("/proc/loadavg").Trim()}");
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var side = MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data);
        var ndcg = names.ToDictionary(n => n, _ => new List<double>());
        foreach (int seed in seeds)
        {
            var split = InteractionSplits.StratifiedByUser(data, 0.75, seed);
            if (validation) split = InteractionSplits.StratifiedByUser(split.Train, 0.75, seed + 1000);
            foreach (var name in names)
            {
                var options = Parse(name);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                bool idsOnly = options == null || options.CategoricalColumnNames.Length + options.ContinuousColumnNames.Length + options.ItemContinuousColumnNames.Length == 0;
                var view = idsOnly ? split.Train.ToDataView(ml) : side.ToDataView(ml, split.Train);
                var model = ml.Recommenders().Trainers.TwoTower(options ?? new TwoTowerOptions()).Fit(view);
                var r = TwoTowerQualityReport.Evaluate(model.UserEmbeddings, model, split);
                Console.WriteLine($"seed {seed}  {name,-22} NDCG@10 {r.Ndcg:F4}  Recall@10 {r.Recall:F4}  ({watch.Elapsed.TotalSeconds:F0} s)");
                ndcg[name].Add(r.Ndcg);
            }
        }
        Console.WriteLine($"mean NDCG@10 over seeds {args[0]}: (load {File.ReadAllText("/proc/loadavg").Trim()})");
        foreach (var n in names) Console.WriteLine($"  {n,-22} {ndcg[n].Average():F4}  ({string.Join(" ", ndcg[n].Select(v => v.ToString("F4")))})");
    }
}
