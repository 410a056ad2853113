using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Two-tower training on MovieLens 100K. <c>twotower [speed] [epochs (3)] [data dir]</c>: training examples per second
/// and seconds per epoch at dimension 64, batch 1024, in-batch softmax, against full softmax and against one GEMM
/// thread in the same run (ratios). <c>twotower quality [data dir]</c>: the acceptance figures — NDCG@10 of IDs only and
/// with side features beside popularity, cold-start Recall@10 for held-out users, and the folding table on colored groups.
/// <c>twotower peer [rounds=N] [variants]</c>: <see cref="TwoTowerPeerComparison"/> (the PyTorch peer's model, both sides).
/// </summary>
internal sealed class TwoTowerBenchmark : IBenchmark
{
    public string Name => "twotower";

    public string Description => "two-tower on ML-100K: examples/s (in-batch vs full softmax, threads); 'quality': NDCG, cold start, folding";

    public void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "quality")
        {
            TwoTowerQualityReport.Run(args.Length > 1 ? args[1] : DefaultDataDir());
            return;
        }
        if (args.Length > 0 && args[0] == "peer")
        {
            TwoTowerPeerComparison.Run(DefaultDataDir(), args.Skip(1).ToArray());
            return;
        }
        var rest = args.Length > 0 && args[0] == "speed" ? args.Skip(1).ToArray() : args;
        int epochs = rest.Length > 0 ? int.Parse(rest[0]) : 3;
        string dir = rest.Length > 1 ? rest[1] : DefaultDataDir();
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var ml = new MLContext(1);
        var view = data.ToDataView(ml);
        Console.WriteLine($"twotower speed: ML-100K {data.Count} rows, dim 64, batch 1024, {epochs} epochs, cores {Environment.ProcessorCount}");
        Measure(ml, view, data.Count, 1, new TwoTowerOptions { NumberOfEpochs = 1, BatchSize = 1024 }); // JIT warm-up
        var runs = new (string Name, TwoTowerOptions Options)[]
        {
            ("in-batch softmax (all threads)", new() { BatchSize = 1024 }),
            ("in-batch, loss GEMMs on 1 thread", new() { BatchSize = 1024, NumberOfThreads = 1 }),
            ("in-batch + 1024 shared negatives", new() { BatchSize = 1024, SharedNegatives = 1024 }),
            ("full softmax (1682 items)", new() { BatchSize = 1024, Loss = TwoTowerLoss.FullSoftmax }),
        };
        Console.WriteLine($"{"objective",-34} {"s/epoch",8} {"examples/s",11} {"× in-batch",10}");
        double baseline = 0;
        foreach (var (name, options) in runs)
        {
            options.NumberOfEpochs = epochs;
            double perEpoch = Measure(ml, view, data.Count, epochs, options);
            double rate = data.Count / perEpoch;
            if (baseline == 0) baseline = rate;
            Console.WriteLine($"{name,-34} {perEpoch,8:F2} {rate,11:F0} {rate / baseline,10:F2}");
        }
    }

    /// <summary>Median seconds per epoch (from the progress reports) of one Fit.</summary>
    private static double Measure(MLContext ml, IDataView view, int rows, int epochs, TwoTowerOptions options)
    {
        var stamps = new List<double>();
        options.Progress = new Inline(p => stamps.Add(p.Elapsed.TotalSeconds));
        new TwoTowerEstimator(ml, options).Fit(view);
        var durations = stamps.Select((s, e) => e == 0 ? s : s - stamps[e - 1]).Order().ToArray();
        return durations[durations.Length / 2];
    }

    internal static string DefaultDataDir()
    {
        var env = Environment.GetEnvironmentVariable("MLNETREC_DATA");
        var root = !string.IsNullOrEmpty(env) ? env : Path.Combine(FindRepoParent(), "shared", "data");
        return Path.Combine(root, "movielens-100k");
    }

    private static string FindRepoParent()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
        return dir?.Parent?.FullName ?? "/work";
    }

    internal sealed class Inline(Action<TwoTowerProgress> report) : IProgress<TwoTowerProgress>
    {
        public void Report(TwoTowerProgress value) => report(value);
    }
}

/// <summary>The quality figures of the two-tower trainer (see <see cref="TwoTowerBenchmark"/>).</summary>
internal static class TwoTowerQualityReport
{
    public static void Run(string dir)
    {
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        var features = MovieLensFeatureRows.Create(data, Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"));

        Console.WriteLine("ML-100K, StratifiedByUser(0.75, 42), seen items removed, k = 10");
        var board = new RecommenderComparison(ml)
            .Add("popularity", ml.Recommenders().Trainers.Popularity())
            .Add("two-tower IDs only", ml.Recommenders().Trainers.TwoTower())
            .Run(split, "ml-100k");
        Console.WriteLine(board.ToText());

        var withFeatures = TrainWithFeatures(ml, features, split.Train, null);
        var report = Evaluate(withFeatures.UserEmbeddings, withFeatures, split);
        Console.WriteLine($"two-tower + side features (age, gender, occupation; genres): NDCG@10 {report.Ndcg:F4}  Recall@10 {report.Recall:F4}");

        ColdStart(ml, data, features, "in-batch softmax, log-Q", new TwoTowerOptions { UseUserId = false, UseTrainingHistory = false });
        ColdStart(ml, data, features, "full softmax", new TwoTowerOptions { UseUserId = false, UseTrainingHistory = false, Loss = TwoTowerLoss.FullSoftmax });
        Folding();
    }

    private static TwoTowerTransformer TrainWithFeatures(MLContext ml, MovieLensFeatureRows features, InteractionData train, TwoTowerOptions? options)
    {
        options ??= new TwoTowerOptions();
        options.CategoricalColumnNames = ["Gender", "Occupation"];
        options.ContinuousColumnNames = ["Age"];
        options.ItemContinuousColumnNames = ["Genres"];
        return ml.Recommenders().Trainers.TwoTower(options).Fit(features.ToDataView(ml, train));
    }

    /// <summary>10% of users held out entirely; they are recommended from their features only.</summary>
    internal static void ColdStart(MLContext ml, InteractionData data, MovieLensFeatureRows features, string name, TwoTowerOptions options)
    {
        var rng = new Random(42);
        var held = new HashSet<int>(Enumerable.Range(0, data.UserCount).Where(_ => rng.NextDouble() < 0.1));
        var trainRows = Enumerable.Range(0, data.Count).Where(r => !held.Contains(data.Users[r])).ToArray();
        var testRows = Enumerable.Range(0, data.Count).Where(r => held.Contains(data.Users[r])).ToArray();
        var split = new InteractionSplit(data.Subset(trainRows), data.Subset(testRows));
        var model = TrainWithFeatures(ml, features, split.Train, options);
        var users = held.Order().ToArray();
        var queries = new float[users.Length * model.Dimension];
        for (int q = 0; q < users.Length; q++)
            model.ComputeUserEmbedding(features.FeaturesOf(users[q])).CopyTo(queries, q * model.Dimension);
        var table = new float[data.UserCount * model.Dimension];
        for (int q = 0; q < users.Length; q++) queries.AsSpan(q * model.Dimension, model.Dimension).CopyTo(table.AsSpan(users[q] * model.Dimension));
        var cold = Evaluate(new EmbeddingTable(data.UserCount, model.Dimension, table), model, split);
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(split.Train.ToDataView(ml));
        var popular = Evaluate(popularity.UserEmbeddings, popularity, split);
        Console.WriteLine($"cold start, {name} ({users.Length} held-out users, features only): Recall@10 two-tower {cold.Recall:F4} vs popularity {popular.Recall:F4}; " +
                          $"NDCG@10 {cold.Ndcg:F4} vs {popular.Ndcg:F4}");
    }

    private static void Folding()
    {
        var data = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions
        {
            UserCount = 600, ItemCount = 240, GroupCount = 6, InteractionsPerUser = 12, InGroupProbability = 1.0, ExplicitRatings = false, Seed = 7,
        });
        var split = InteractionSplits.StratifiedByUser(data.Interactions, 0.75, 42);
        var all = split.Combined();
        var evaluation = new RankingEvaluationOptions { ItemGroups = data.ItemGroups, InteractedItems = UserItemMatrix.FromInteractions(all) };
        Console.WriteLine("folding on colored groups (600 users, 240 items, 6 groups; lower is better):");
        Console.WriteLine($"{"loss",-40} {"folding",8} {"NDCG@10",8}");
        var ml = new MLContext(1);
        (string, TwoTowerOptions)[] runs =
        [
            ("positives only", new() { Loss = TwoTowerLoss.PositivesOnly }),
            ("positives only + gravity 1", new() { Loss = TwoTowerLoss.PositivesOnly, GravityWeight = 1f }),
            ("sampled softmax (256 uniform, log-Q)", new() { Loss = TwoTowerLoss.SampledSoftmax, SharedNegatives = 256, SamplingExponent = 0 }),
            ("in-batch softmax (log-Q)", new() { Loss = TwoTowerLoss.InBatchSoftmax }),
            ("in-batch softmax + gravity 1", new() { Loss = TwoTowerLoss.InBatchSoftmax, GravityWeight = 1f }),
        ];
        foreach (var (name, options) in runs)
        {
            options.EmbeddingDimension = 16;
            options.NumberOfEpochs = 20;
            options.BatchSize = 128;
            options.LearningRate = 0.01f;
            options.UseTrainingHistory = false;
            var model = ml.Recommenders().Trainers.TwoTower(options).Fit(split.Train.ToDataView(ml));
            var report = Evaluate(model.UserEmbeddings, model, split, evaluation);
            Console.WriteLine($"{name,-40} {report.FoldingScore,8:F4} {report.Ndcg,8:F4}");
        }
    }

    internal static RankingReport Evaluate(EmbeddingTable userTable, IEmbeddingModel model, InteractionSplit split, RankingEvaluationOptions? options = null)
    {
        var seen = UserItemMatrix.FromInteractions(split.Train);
        var test = UserItemMatrix.FromInteractions(split.Test);
        var users = Enumerable.Range(0, test.UserCount).Where(u => test.RowStart[u + 1] > test.RowStart[u]).ToArray();
        var dim = model.ItemEmbeddings.Dimension;
        var queries = new float[users.Length * dim];
        for (int q = 0; q < users.Length; q++) userTable.Row(users[q]).CopyTo(queries.AsSpan(q * dim, dim));
        var result = ExactTopK.Search(new EmbeddingTable(users.Length, dim, queries), model.ItemEmbeddings, 10,
            new TopKOptions { ItemBiases = model.ItemBiases, Exclude = seen, ExcludeRows = users });
        var ranked = new int[]?[test.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = result.ItemsOf(q).ToArray();
        return RankingEvaluator.Evaluate(ranked, test, 10, options);
    }
}

/// <summary>ML-100K interactions joined with u.user (age, gender, occupation) and u.item (19 genre flags).</summary>
internal sealed class MovieLensFeatureRows(MovieLensSideFeatures side)
{
    public static MovieLensFeatureRows Create(InteractionData data, string userPath, string itemPath) =>
        new(MovieLensSideFeatures.Read(userPath, itemPath, data));

    public TwoTowerUserFeatures FeaturesOf(int user) =>
        new() { Categoricals = [side.GenderIndex(user), side.OccupationIndex(user)], Continuous = [side.UserAge[user]] };

    public IDataView ToDataView(MLContext ml, InteractionData rows) => side.ToDataView(ml, rows);
}
