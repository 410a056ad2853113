using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Cold-start settings chosen without the held-out users: for each holdout seed s, 10 % of users (Random(s) &lt; 0.1)
/// are the test users; of the remaining users another 10 % (Random(s + 1000) &lt; 0.1) are validation users. Variants
/// are trained on the other users and ranked on the validation users (<c>val</c>), then the chosen ones are trained
/// on all non-test users and measured on the test users (<c>test</c>). Recall@10 is reported as a ratio to
/// popularity's on the same users. A new user's inputs: gender, occupation, age and the request time (the user's
/// first timestamp). <c>coldtune val|test SEEDS VARIANTS [data dir]</c>, e.g. <c>coldtune val 42,1,2 all</c>.
/// </summary>
internal sealed class ColdStartTuning : IBenchmark
{
    public string Name => "coldtune";

    public string Description => "cold-start variants chosen on validation users, then measured on held-out users (several holdouts)";

    /// <summary>The variant the cold-start section of <c>mfvssoftmax</c> reports, chosen on validation users.</summary>
    internal const string Chosen = "timeage-full-cap20-e4";

    /// <summary>The variants: features-only user towers (no ID, no history) unless stated.</summary>
    internal static readonly Dictionary<string, Func<TwoTowerOptions>> Variants = new()
    {
        ["base"] = () => Features(false),
        ["time"] = () => Features(true),
        ["time-cap30"] = () => With(Features(true), o => o.MaxExamplesPerUser = 30),
        ["time-full"] = () => With(Features(true), o => o.Loss = TwoTowerLoss.FullSoftmax),
        ["time-full-cap30"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; }),
        ["time-full-dot-cap30"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.Similarity = TwoTowerSimilarity.Dot; o.Temperature = 1f; }),
        ["full-cap30"] = () => With(Features(false), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; }),
        ["time-full-cap10"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 10; }),
        ["time-full-cap20"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; }),
        ["time-full-cap20-e6"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 6; }),
        ["time-full-cap20-e3"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 3; }),
        ["time-full-cap20-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 4; }),
        ["time-full-cap30-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.NumberOfEpochs = 4; }),
        ["time-full-cap30-e6"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.NumberOfEpochs = 6; }),
        ["time-full-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.NumberOfEpochs = 4; }),
        ["time-full-cap20-e6-b10"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 6; o.ContinuousBuckets = 10; }),
        ["timeage-full-cap20-e6"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 6; o.CategoricalColumnNames = []; }),
        ["time-full-cap20-e6-lr001"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 6; o.LearningRate = 0.001f; }),
        ["timeage-full-cap30-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; }),
        ["timeage-full-cap20-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; }),
        ["timeage-full-cap20-e4-t01"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; o.Temperature = 0.1f; }),
        ["timeage-full-cap20-e4-t03"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; o.Temperature = 0.3f; }),
        ["timeage-full-cap15-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 15; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; }),
        ["timeage-full-cap20-e4-d32"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 4; o.CategoricalColumnNames = []; o.EmbeddingDimension = 32; }),
        ["timeage-full-cap10-e6"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 10; o.NumberOfEpochs = 6; o.CategoricalColumnNames = []; }),
        ["timeonly-full-cap20-e6"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 6; o.CategoricalColumnNames = []; o.ContinuousColumnNames = ["Timestamp"]; }),
        ["time-full-cap20-e24"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.NumberOfEpochs = 24; }),
        ["time-full-cap30-b10"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.ContinuousBuckets = 10; }),
        ["time-full-cap30-t05"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.Temperature = 0.05f; }),
        ["time-full-cap30-b10-t05"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.ContinuousBuckets = 10; o.Temperature = 0.05f; }),
        ["time-full-cap30-b20-t05"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.ContinuousBuckets = 20; o.Temperature = 0.05f; }),
        ["time-full-cap20-b10-t05"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 20; o.ContinuousBuckets = 10; o.Temperature = 0.05f; }),
        ["time-full-cap30-b10-t05-e4"] = () => With(Features(true), o => { o.Loss = TwoTowerLoss.FullSoftmax; o.MaxExamplesPerUser = 30; o.ContinuousBuckets = 10; o.Temperature = 0.05f; o.NumberOfEpochs = 4; }),
    };

    private static TwoTowerOptions Features(bool time) => new()
    {
        UseUserId = false, UseTrainingHistory = false,
        CategoricalColumnNames = ["Gender", "Occupation"], ContinuousColumnNames = time ? ["Age", "Timestamp"] : ["Age"], ItemContinuousColumnNames = ["Genres"],
    };

    private static TwoTowerOptions With(TwoTowerOptions o, Action<TwoTowerOptions> change) { change(o); return o; }

    public void Run(string[] args)
    {
        bool validation = args[0] == "val";
        var seeds = args[1].Split(',').Select(int.Parse).ToArray();
        var names = args[2] == "all" ? Variants.Keys.ToArray() : args[2].Split(',');
        string dir = args.Length > 3 ? args[3] : TwoTowerBenchmark.DefaultDataDir();
        Console.WriteLine($"coldtune {(validation ? "validation users" : "test users")}: load {File.ReadAllText("/proc/loadavg").Trim()}");
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var side = MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data);
        var ratios = names.ToDictionary(n => n, _ => new List<double>());
        foreach (int seed in seeds)
        {
            var split = Holdout(data, seed, validation);
            var report = Measure(ml, data, side, split, names);
            foreach (var (n, r) in report) ratios[n].Add(r);
        }
        Console.WriteLine($"mean ratio to popularity over seeds {args[1]}:");
        foreach (var n in names)
            Console.WriteLine($"  {n,-28} {ratios[n].Average():F3}  (min {ratios[n].Min():F3}, max {ratios[n].Max():F3})");
    }

    /// <summary>Train rows and cold users' rows: test users for <c>test</c>, validation users (test users removed) for <c>val</c>.</summary>
    internal static InteractionSplit Holdout(InteractionData data, int seed, bool validation)
    {
        var rng = new Random(seed);
        var test = Enumerable.Range(0, data.UserCount).Where(_ => rng.NextDouble() < 0.1).ToHashSet();
        var cold = test;
        var excluded = new HashSet<int>();
        if (validation)
        {
            var vrng = new Random(seed + 1000);
            cold = Enumerable.Range(0, data.UserCount).Where(u => vrng.NextDouble() < 0.1 && !test.Contains(u)).ToHashSet();
            excluded = test;
        }
        var rows = Enumerable.Range(0, data.Count);
        return new InteractionSplit(
            data.Subset(rows.Where(r => !cold.Contains(data.Users[r]) && !excluded.Contains(data.Users[r])).ToArray()),
            data.Subset(rows.Where(r => cold.Contains(data.Users[r])).ToArray()));
    }

    /// <summary>Per user index, the user's first timestamp in <paramref name="rows"/> (their request time as a new user); 0 for users without rows.</summary>
    internal static double[] RequestTimes(int userCount, InteractionData rows)
    {
        var first = new double[userCount];
        Array.Fill(first, double.MaxValue);
        for (int r = 0; r < rows.Count; r++) first[rows.Users[r]] = Math.Min(first[rows.Users[r]], rows.Timestamps![r]);
        for (int u = 0; u < userCount; u++) if (first[u] == double.MaxValue) first[u] = 0;
        return first;
    }

    /// <summary>A cold user's inputs: gender, occupation, age and, when the model reads <c>Timestamp</c>, the request time (first timestamp).</summary>
    internal static TwoTowerUserFeatures ColdUser(MovieLensSideFeatures side, TwoTowerOptions options, int user, double firstTimestamp) => new()
    {
        Categoricals = options.CategoricalColumnNames.Length == 0 ? [] : [side.GenderIndex(user), side.OccupationIndex(user)],
        Continuous = options.ContinuousColumnNames.Select(c => c == "Timestamp" ? (float)firstTimestamp : side.UserAge[user]).ToArray(),
    };

    private static List<(string, double)> Measure(MLContext ml, InteractionData data, MovieLensSideFeatures side, InteractionSplit split, string[] names)
    {
        var users = split.Test.Users.Distinct().Order().ToArray();
        var first = RequestTimes(data.UserCount, split.Test);
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(split.Train.ToDataView(ml));
        var pop = TwoTowerQualityReport.Evaluate(popularity.UserEmbeddings, popularity, split);
        Console.WriteLine($"{users.Length} cold users; popularity Recall@10 {pop.Recall:F4}");
        var result = new List<(string, double)>();
        foreach (var name in names)
        {
            var options = Variants[name]();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var model = ml.Recommenders().Trainers.TwoTower(options).Fit(side.ToDataView(ml, split.Train));
            int d = model.Dimension;
            var table = new float[data.UserCount * d];
            foreach (int u in users) model.ComputeUserEmbedding(ColdUser(side, options, u, first[u])).CopyTo(table, u * d);
            var r = TwoTowerQualityReport.Evaluate(new EmbeddingTable(data.UserCount, d, table), model, split);
            Console.WriteLine($"  {name,-28} Recall@10 {r.Recall:F4}  NDCG@10 {r.Ndcg:F4}  {r.Recall / pop.Recall:F3}× popularity  ({watch.Elapsed.TotalSeconds:F0} s)");
            result.Add((name, r.Recall / pop.Recall));
        }
        return result;
    }
}
