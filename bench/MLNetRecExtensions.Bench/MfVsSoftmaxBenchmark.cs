using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// The "matrix factorization vs softmax DNN" table, measured: query features (NDCG@10 on ML-100K with and without
/// u.user/u.item features), cold start (Recall@10 of 10 % held-out users: MF fallback, popularity, two-tower from
/// features, and the same two-tower reloaded with <c>mlContext.Model.Load</c> in a fresh process), folding on
/// colored groups, training seconds per epoch at 1×/10×/100× interactions, serving µs per user for top-10, and ONNX
/// export sizes and rows/s through ONNX Runtime vs our transformer.
/// <c>mfvssoftmax [sections: quality,cold,folding,scale,serving,onnx] [data dir]</c>; <c>scale:100:1</c> runs the
/// scalability section at 100× only with 1 iteration/epoch per trainer (<c>scale</c> = <c>scale:1,10,100:3</c> is
/// written <c>scale:1+10+100:3</c>), so the long 100× row fits in one short locked run.
/// </summary>
internal sealed class MfVsSoftmaxBenchmark : IBenchmark
{
    public string Name => "mfvssoftmax";

    public string Description => "MF vs two-tower: query features, cold start (incl. fresh-process reload), folding, scalability, serving, ONNX";

    /// <summary>The two-tower with side features of the table (u.user demographics, u.item genres; residual item tower, the default).</summary>
    internal static TwoTowerOptions FeatureOptions() => new()
    {
        CategoricalColumnNames = ["Gender", "Occupation"], ContinuousColumnNames = ["Age"], ItemContinuousColumnNames = ["Genres"],
    };

    /// <summary>
    /// The warm-user setting chosen on validation splits of the training rows (<c>warmtune val 42,1,2 …</c>): weight
    /// decay 1e-4 on the embedding tables and 16 epochs, applied to <paramref name="options"/> (IDs only when null).
    /// </summary>
    internal static TwoTowerOptions Tuned(TwoTowerOptions? options)
    {
        var o = options ?? new TwoTowerOptions();
        o.EmbeddingWeightDecay = 1e-4f;
        o.NumberOfEpochs = 16;
        return o;
    }

    private static TwoTowerOptions WithDropout()
    {
        var o = FeatureOptions();
        o.UserIdDropout = 0.5f;
        return o;
    }

    public void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "reload") { ReloadedScores.Child(args); return; }
        var sections = (args.Length > 0 ? args[0] : "quality,cold,folding,scale,serving,onnx").Split(',');
        string dir = args.Length > 1 ? args[1] : TwoTowerBenchmark.DefaultDataDir();
        Console.WriteLine($"mfvssoftmax: cores {Environment.ProcessorCount}, load {File.ReadAllText("/proc/loadavg").Trim()} (shared machine: other engineers' builds and tests run alongside)");
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dir, "u.data"));
        var side = MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data);
        if (sections.Contains("quality")) Quality(ml, data, side);
        if (sections.Contains("cold")) ColdStart(ml, data, side);
        if (sections.Contains("folding")) Folding(ml);
        foreach (var section in sections.Where(x => x == "scale" || x.StartsWith("scale:", StringComparison.Ordinal)))
        {
            var parts = section.Split(':');
            Scalability(ml, parts.Length > 1 ? parts[1].Split('+').Select(int.Parse).ToArray() : [1, 10, 100], parts.Length > 2 ? int.Parse(parts[2]) : 3);
        }
        if (sections.Contains("serving")) Serving(ml, data, side);
        if (sections.Contains("onnx")) OnnxThroughput.Run(ml, data, side);
        Console.WriteLine($"load at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Quality(MLContext ml, InteractionData data, MovieLensSideFeatures side)
    {
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        Console.WriteLine("\n## query features — ML-100K, StratifiedByUser(0.75, 42), seen items removed, NDCG@10 / Recall@10");
        IEmbeddingModel mf = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options()).Fit(split.Train.ToDataView(ml));
        Print("MF (iALS, w0=1), IDs only — cannot take features", TwoTowerQualityReport.Evaluate(mf.UserEmbeddings, mf, split));
        var ids = ml.Recommenders().Trainers.TwoTower().Fit(split.Train.ToDataView(ml));
        Print("two-tower, IDs only", TwoTowerQualityReport.Evaluate(ids.UserEmbeddings, ids, split));
        var joint = FeatureOptions();
        joint.ItemTowerResidual = false;
        var before = ml.Recommenders().Trainers.TwoTower(joint).Fit(side.ToDataView(ml, split.Train));
        Print("two-tower + features, joint item MLP (before)", TwoTowerQualityReport.Evaluate(before.UserEmbeddings, before, split));
        var with = ml.Recommenders().Trainers.TwoTower(FeatureOptions()).Fit(side.ToDataView(ml, split.Train));
        Print("two-tower + features, residual item tower (default)", TwoTowerQualityReport.Evaluate(with.UserEmbeddings, with, split));
        var idsTuned = ml.Recommenders().Trainers.TwoTower(Tuned(null)).Fit(split.Train.ToDataView(ml));
        Print("two-tower, IDs only, weight decay 1e-4, 16 epochs", TwoTowerQualityReport.Evaluate(idsTuned.UserEmbeddings, idsTuned, split));
        var tuned = ml.Recommenders().Trainers.TwoTower(Tuned(FeatureOptions())).Fit(side.ToDataView(ml, split.Train));
        Print("two-tower + features, weight decay 1e-4, 16 epochs", TwoTowerQualityReport.Evaluate(tuned.UserEmbeddings, tuned, split));
    }

    private static void Print(string name, RankingReport r) => Console.WriteLine($"{name,-62} NDCG@10 {r.Ndcg:F4}  Recall@10 {r.Recall:F4}");

    /// <summary>10 % of users (Random(42) &lt; 0.1) held out entirely; they are ranked from their features only.</summary>
    private static void ColdStart(MLContext ml, InteractionData data, MovieLensSideFeatures side)
    {
        var rng = new Random(42);
        var held = new HashSet<int>(Enumerable.Range(0, data.UserCount).Where(_ => rng.NextDouble() < 0.1));
        var split = new InteractionSplit(data.Subset(Enumerable.Range(0, data.Count).Where(r => !held.Contains(data.Users[r])).ToArray()),
                                         data.Subset(Enumerable.Range(0, data.Count).Where(r => held.Contains(data.Users[r])).ToArray()));
        var users = held.Order().ToArray();
        var test = UserItemMatrix.FromInteractions(split.Test);
        var first = ColdStartTuning.RequestTimes(data.UserCount, split.Test);
        Console.WriteLine($"\n## cold start — ML-100K, {users.Length} held-out users (10 %), no ID and no history; Recall@10 / NDCG@10");
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(split.Train.ToDataView(ml));
        var pop = TwoTowerQualityReport.Evaluate(popularity.UserEmbeddings, popularity, split);
        var mf = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options()).Fit(split.Train.ToDataView(ml));
        var fallback = Enumerable.Range(0, data.ItemCount).OrderByDescending(i => mf.Score(-1, i)).ThenBy(i => i).Take(10).ToArray();
        var ranked = new int[]?[data.UserCount];
        foreach (int u in users) ranked[u] = fallback;
        var mfReport = RankingEvaluator.Evaluate(ranked, test, 10);
        Console.WriteLine($"{"popularity",-52} Recall@10 {pop.Recall:F4}  NDCG@10 {pop.Ndcg:F4}");
        Console.WriteLine($"{"MF (iALS) unknown-user fallback",-52} Recall@10 {mfReport.Recall:F4}  NDCG@10 {mfReport.Ndcg:F4}");
        foreach (var (name, options) in new (string, TwoTowerOptions)[]
        {
            ("two-tower, features only (no ID/history inputs)", new TwoTowerOptions
            {
                UseUserId = false, UseTrainingHistory = false,
                CategoricalColumnNames = ["Gender", "Occupation"], ContinuousColumnNames = ["Age"], ItemContinuousColumnNames = ["Genres"],
            }),
            ("two-tower, features only + EmbeddingWeightDecay 0.01", new TwoTowerOptions
            {
                UseUserId = false, UseTrainingHistory = false, EmbeddingWeightDecay = 0.01f,
                CategoricalColumnNames = ["Gender", "Occupation"], ContinuousColumnNames = ["Age"], ItemContinuousColumnNames = ["Genres"],
            }),
            ("two-tower + features + ID/history, UserIdDropout 0.5", WithDropout()),
            ($"two-tower, {ColdStartTuning.Chosen} (chosen on validation users)", ColdStartTuning.Variants[ColdStartTuning.Chosen]()),
        })
        {
            var model = ml.Recommenders().Trainers.TwoTower(options).Fit(side.ToDataView(ml, split.Train));
            int d = model.Dimension;
            var table = new float[data.UserCount * d];
            foreach (int u in users) model.ComputeUserEmbedding(ColdStartTuning.ColdUser(side, options, u, first[u])).CopyTo(table, u * d);
            var typed = TwoTowerQualityReport.Evaluate(new EmbeddingTable(data.UserCount, d, table), model, split);
            Console.WriteLine($"{name,-52} Recall@10 {typed.Recall:F4}  NDCG@10 {typed.Ndcg:F4}  ({typed.Recall / pop.Recall:F2}× popularity)");
            var reloaded = ReloadedScores.Rank(ml, model, side, split.Train, users, data.ItemCount, first);
            var viaFile = RankingEvaluator.Evaluate(reloaded, test, 10);
            Console.WriteLine($"{"  same model, mlContext.Model.Load in a fresh process",-52} Recall@10 {viaFile.Recall:F4}  NDCG@10 {viaFile.Ndcg:F4}  " +
                              $"(identical lists: {users.All(u => reloaded[u]!.SequenceEqual(Top10(model, table, u)))})");
        }
    }

    private static int[] Top10(TwoTowerTransformer model, float[] table, int user)
    {
        int d = model.Dimension;
        var result = ExactTopK.Search(new EmbeddingTable(1, d, table.AsSpan(user * d, d).ToArray()), model.ItemEmbeddings, 10, new TopKOptions());
        return result.ItemsOf(0).ToArray();
    }

    private static void Folding(MLContext ml)
    {
        var data = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions
        {
            UserCount = 600, ItemCount = 240, GroupCount = 6, InteractionsPerUser = 12, InGroupProbability = 1.0, ExplicitRatings = false, Seed = 7,
        });
        var split = InteractionSplits.StratifiedByUser(data.Interactions, 0.75, 42);
        var evaluation = new RankingEvaluationOptions { ItemGroups = data.ItemGroups, InteractedItems = UserItemMatrix.FromInteractions(split.Combined()) };
        Console.WriteLine("\n## folding — colored groups (600 users, 240 items, 6 disjoint groups); folding score (lower is better) / NDCG@10");
        foreach (var w0 in new[] { 0f, 1f })
        {
            IEmbeddingModel mf = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { UnobservedWeight = w0, ApproximationRank = 16 }).Fit(split.Train.ToDataView(ml));
            var r = TwoTowerQualityReport.Evaluate(mf.UserEmbeddings, mf, split, evaluation);
            Console.WriteLine($"{$"MF (iALS) w0 = {w0}",-44} folding {r.FoldingScore:F4}  NDCG@10 {r.Ndcg:F4}");
        }
        foreach (var (name, options) in new (string, TwoTowerOptions)[]
        {
            ("two-tower, positives only", new() { Loss = TwoTowerLoss.PositivesOnly }),
            ("two-tower, in-batch softmax (negatives)", new() { Loss = TwoTowerLoss.InBatchSoftmax }),
            ("two-tower, positives only + gravity 1", new() { Loss = TwoTowerLoss.PositivesOnly, GravityWeight = 1f }),
        })
        {
            options.EmbeddingDimension = 16;
            options.NumberOfEpochs = 20;
            options.BatchSize = 128;
            options.LearningRate = 0.01f;
            options.UseTrainingHistory = false;
            var model = ml.Recommenders().Trainers.TwoTower(options).Fit(split.Train.ToDataView(ml));
            var r = TwoTowerQualityReport.Evaluate(model.UserEmbeddings, model, split, evaluation);
            Console.WriteLine($"{name,-44} folding {r.FoldingScore:F4}  NDCG@10 {r.Ndcg:F4}");
        }
    }

    /// <summary>Seconds per epoch on colored groups at <paramref name="scales"/> × 10 K interactions (users scale, catalog
    /// fixed): MF seconds per iteration over <paramref name="passes"/> iterations, two-tower median epoch of <paramref name="passes"/>.</summary>
    private static void Scalability(MLContext ml, int[] scales, int passes)
    {
        Console.WriteLine($"\n## training scalability — colored groups, 1 200 items, 25 interactions per user; seconds per epoch (MF: mean of {passes} iterations, two-tower: median of {passes} epochs)");
        Console.WriteLine($"{"interactions",12} {"MF iALS s/iter",15} {"two-tower s/epoch",18} {"ratio",7}");
        foreach (int scale in scales)
        {
            var data = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions { UserCount = 400 * scale, ExplicitRatings = false, Seed = 5 }).Interactions;
            var view = data.ToDataView(ml);
            var watch = Stopwatch.StartNew();
            var stamps = new List<double>();
            ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { NumberOfIterations = passes, ApproximationRank = 64 }).Fit(view);
            double mf = watch.Elapsed.TotalSeconds / passes;
            new TwoTowerEstimator(ml, new TwoTowerOptions { NumberOfEpochs = passes, Progress = new TwoTowerBenchmark.Inline(p => stamps.Add(p.Elapsed.TotalSeconds)) }).Fit(view);
            var epochs = stamps.Select((s, e) => e == 0 ? s : s - stamps[e - 1]).Order().ToArray();
            double tt = epochs[epochs.Length / 2];
            Console.WriteLine($"{data.Count,12:N0} {mf,15:F3} {tt,18:F3} {tt / mf,7:F1}");
        }
    }

    /// <summary>µs per user for top-10 over the catalog: MF's precomputed user vector vs computing the user tower from features at query time.</summary>
    private static void Serving(MLContext ml, InteractionData data, MovieLensSideFeatures side)
    {
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        IEmbeddingModel mf = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 64 }).Fit(split.Train.ToDataView(ml));
        var tt = ml.Recommenders().Trainers.TwoTower(FeatureOptions()).Fit(side.ToDataView(ml, split.Train));
        var seen = UserItemMatrix.FromInteractions(split.Train);
        int users = 300;
        double MfRun()
        {
            var watch = Stopwatch.StartNew();
            for (int u = 0; u < users; u++)
                ExactTopK.Search(new EmbeddingTable(1, mf.UserEmbeddings.Dimension, mf.UserEmbeddings.Row(u).ToArray()), mf.ItemEmbeddings, 10,
                    new TopKOptions { ItemBiases = mf.ItemBiases, Exclude = seen, ExcludeRows = [u], MaxDegreeOfParallelism = 1 });
            return watch.Elapsed.TotalMicroseconds / users;
        }
        double TowerRun()
        {
            var watch = Stopwatch.StartNew();
            for (int u = 0; u < users; u++)
            {
                var e = tt.ComputeUserEmbedding(new TwoTowerUserFeatures { User = u, Categoricals = [side.GenderIndex(u), side.OccupationIndex(u)], Continuous = [side.UserAge[u]] });
                ExactTopK.Search(new EmbeddingTable(1, tt.Dimension, e), tt.ItemEmbeddings, 10, new TopKOptions { Exclude = seen, ExcludeRows = [u], MaxDegreeOfParallelism = 1 });
            }
            return watch.Elapsed.TotalMicroseconds / users;
        }
        MfRun(); TowerRun(); // warm-up
        var a = new List<double>();
        var b = new List<double>();
        for (int round = 0; round < 5; round++) { a.Add(MfRun()); b.Add(TowerRun()); } // interleaved ABAB
        double ma = a.Order().ElementAt(2), mb = b.Order().ElementAt(2);
        Console.WriteLine($"\n## serving — ML-100K, top-10 of 1 682 items for one user at a time, 1 thread, median of 5 interleaved rounds of {users} users");
        Console.WriteLine($"MF (iALS, rank 64), precomputed user vector: {ma,8:F1} µs/user");
        Console.WriteLine($"two-tower, user tower computed at query time (ID + history + features → MLP): {mb,8:F1} µs/user ({mb / ma:F2}× MF)");
    }

    internal sealed class KeyRow
    {
        public uint UserId { get; set; }
        public uint ItemId { get; set; }
        public uint Gender { get; set; }
        public uint Occupation { get; set; }
        public float Age { get; set; }
        public float[] Genres { get; set; } = [];
        public double Timestamp { get; set; }
    }
}
