using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// <c>twotower peer [rounds=N] [variants]</c>: the PyTorch peer's exact model (../shared/peers/two_tower_torch.py
/// --logq: user and item ID embeddings only, bare towers, dot product, in-batch softmax with log-Q, accidental hits
/// kept, U(±0.05) initialisation, Adam 1e-3 with dense embedding steps, batch 1024, 10 epochs) trained by us and by the
/// peer in interleaved rounds (ours, peer, ours, …) on ML-100K per-user 75/25 (seed 42; our split draws its own
/// random numbers, the peer's are numpy's), printing NDCG@10 and training examples/s for both (medians) and our
/// default model's NDCG@10. The peer runs with <c>OPENBLAS_NUM_THREADS=1</c> and torch on 2 threads, as its README
/// says; when /usr/bin/python3 cannot import torch only our side is measured. <c>variants</c> also prints the quality
/// of each of the peer model's options switched back to our default, one at a time.
/// </summary>
internal static class TwoTowerPeerComparison
{
    private const string PeerScript = "two_tower_torch.py";

    /// <summary>Our options for the peer's model.</summary>
    public static TwoTowerOptions PeerModel() => new()
    {
        UseUserId = true,
        UseTrainingHistory = false,
        BareUserIdTower = true,
        Similarity = TwoTowerSimilarity.Dot,
        Temperature = 1f,
        Loss = TwoTowerLoss.InBatchSoftmax,
        RemoveAccidentalHits = false,
        Initialization = TwoTowerInitialization.KerasUniform,
        DenseEmbeddingUpdates = true,
        Optimizer = TwoTowerOptimizer.Adam,
        LearningRate = 1e-3f,
        BatchSize = 1024,
        NumberOfEpochs = 10,
        Seed = 42,
    };

    public static void Run(string dataDir, string[] args)
    {
        int rounds = int.Parse(args.FirstOrDefault(a => a.StartsWith("rounds=", StringComparison.Ordinal))?[7..] ?? "5", CultureInfo.InvariantCulture);
        string script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDir.TrimEnd('/')))!, "..", "peers", PeerScript));
        string uData = Path.GetFullPath(Path.Combine(dataDir, "u.data"));
        bool peer = File.Exists(script) && PeerAvailable();
        var ml = new MLContext(1);
        var data = InteractionLoaders.ReadMovieLens100K(Path.Combine(dataDir, "u.data"));
        var split = InteractionSplits.StratifiedByUser(data, 0.75, 42);
        var view = split.Train.ToDataView(ml);
        Console.WriteLine($"two-tower at the PyTorch peer's model, ML-100K StratifiedByUser(0.75, 42), {split.Train.Count} training rows, 10 epochs");
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()} (machine shared with other engineers)");
        Console.WriteLine(peer ? $"peer: {script} (OPENBLAS_NUM_THREADS=1, --threads 2)" : "peer: missing (no script or /usr/bin/python3 without torch); ours only");
        Train(ml, view, PeerModel(), 1); // JIT warm-up
        var ours = new List<(double Rate, double Ndcg)>();
        var theirs = new List<(double Rate, double Ndcg)>();
        for (int round = 0; round < rounds; round++)
        {
            var (model, seconds) = Train(ml, view, PeerModel(), 10);
            ours.Add((split.Train.Count * 10 / seconds, Ndcg(model, split)));
            if (peer) theirs.Add(RunPeer(script, uData, round));
            Console.WriteLine($"  round {round + 1}: ours {ours[^1].Rate,9:F0} ex/s NDCG@10 {ours[^1].Ndcg:F4}" +
                (peer ? $"   peer {theirs[^1].Rate,9:F0} ex/s NDCG@10 {theirs[^1].Ndcg:F4}" : ""));
        }
        double oursRate = Median(ours.Select(o => o.Rate)), peerRate = peer ? Median(theirs.Select(o => o.Rate)) : double.NaN;
        Console.WriteLine($"medians: ours {oursRate:F0} ex/s, NDCG@10 {Median(ours.Select(o => o.Ndcg)):F4}; " +
            $"peer {peerRate:F0} ex/s, NDCG@10 {(peer ? Median(theirs.Select(o => o.Ndcg)) : double.NaN):F4}; ours/peer speed {oursRate / peerRate:F2}x");
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (args.Contains("variants"))
        {
            Console.WriteLine("\nThe peer model with one option back at our default (NDCG@10, 1 run each):");
            var variants = new (string Name, Action<TwoTowerOptions> Change)[]
            {
                ("peer model", _ => { }),
                ("+ accidental hits removed", o => o.RemoveAccidentalHits = true),
                ("+ N(0, 1/√d) initialisation", o => o.Initialization = TwoTowerInitialization.Normal),
                ("+ lazy sparse Adam", o => o.DenseEmbeddingUpdates = false),
                ("+ 64×64 linear user layer", o => { o.BareUserIdTower = false; o.UserHiddenLayers = []; }),
            };
            foreach (var (name, change) in variants)
            {
                var o = PeerModel();
                change(o);
                Console.WriteLine($"  {name,-32} {Ndcg(Train(ml, view, o, 10).Model, split):F4}");
            }
            Console.WriteLine($"  {"our default model",-32} {Ndcg(ml.Recommenders().Trainers.TwoTower().Fit(view), split):F4}");
        }
    }

    private static (TwoTowerTransformer Model, double Seconds) Train(MLContext ml, IDataView view, TwoTowerOptions options, int epochs)
    {
        options.NumberOfEpochs = epochs;
        var sw = Stopwatch.StartNew();
        var model = ml.Recommenders().Trainers.TwoTower(options).Fit(view);
        return (model, sw.Elapsed.TotalSeconds);
    }

    /// <summary>NDCG@10 over test users, training items excluded (the peer ranks only items seen in training; every
    /// ML-100K item with a test row but no training row is rare, so this differs little).</summary>
    private static double Ndcg(TwoTowerTransformer model, InteractionSplit split)
    {
        var seen = UserItemMatrix.FromInteractions(split.Train);
        var test = UserItemMatrix.FromInteractions(split.Test);
        var users = Enumerable.Range(0, test.UserCount).Where(u => test.ItemsOf(u).Length > 0).ToArray();
        var top = ExactTopK.Recommend(model, users, 10, seen);
        var ranked = new int[]?[test.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = top.ItemsOf(q).ToArray();
        return RankingEvaluator.Evaluate(ranked, test, 10).Ndcg;
    }

    private static bool PeerAvailable()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import torch\"") { RedirectStandardError = true, UseShellExecute = false })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    private static (double Rate, double Ndcg) RunPeer(string script, string uData, int round)
    {
        string json = Path.Combine(Path.GetTempPath(), $"two-tower-peer-{Environment.ProcessId}-{round}.json");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--data", uData, "--logq", "--threads", "2", "--repeats", "1", "--json", json }) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using (var p = Process.Start(psi)!)
        {
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"The peer failed: {err.Result}");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        var run = doc.RootElement.GetProperty("two_tower")[0];
        return (run.GetProperty("examples_per_s").GetDouble(), run.GetProperty("ndcg@k").GetDouble());
    }

    private static double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
