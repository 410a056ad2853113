using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Retrieval for serving: exact SIMD index vs HNSW (USearch) on random-normal and Gaussian-mixture ("learned-like")
/// item vectors, inner product. Per size and distribution: build time, then for each ef: recall@10 / recall@100
/// against the exact index and µs per query on 1 thread at batch 1 and batch 64 (median of interleaved rounds).
/// With <c>--peer CMD</c> a peer (e.g. hnswlib) runs on the same vectors in the same run, interleaved round by round:
/// the bench writes items/queries/ground truth as raw float32/int32 files into a per-case folder under DIR, starts
/// <c>CMD CASEDIR M EFC THREADS</c> after our build, waits for <c>ready build_s=…</c>, then sends
/// <c>search EF K BATCH</c> lines and reads <c>us=… recall=…</c> answers. Our graph and the ground truth are cached in
/// the case folder (with the build seconds), so a later run times searches without rebuilding; <c>--build-only</c>
/// stops after the builds (a long build and the search timings then fit in separate short runs).
/// Args: [--sizes 100000,1000000] [--dim 64] [--queries 1000] [--ef 32,64,128,256] [--rounds 5] [--dists normal,mixture]
/// [--peer CMD] [--threads 2] [--dir DIR] [--build-only] [--storage f32|f16] [--graph lifted|direct] (the inner-product graph, see
/// <see cref="InnerProductGraph"/>). The HTTP part is <c>serving-http</c>.
/// </summary>
internal sealed class ServingBenchmark : IBenchmark
{
    public string Name => "serving";

    public string Description => "exact vs HNSW (USearch) vs a peer (hnswlib): build time, recall@10/@100, µs/query at 100k and 1M × 64";

    public void Run(string[] args)
    {
        string Arg(string name, string fallback) => BenchArgs.Get(args, name, fallback);
        var sizes = Arg("--sizes", "100000,1000000").Split(',').Select(int.Parse).ToArray();
        int dim = int.Parse(Arg("--dim", "64"));
        int queryCount = int.Parse(Arg("--queries", "1000"));
        var efs = Arg("--ef", "32,64,128,256").Split(',').Select(int.Parse).ToArray();
        int rounds = int.Parse(Arg("--rounds", "5"));
        var dists = Arg("--dists", "normal,mixture").Split(',');
        string? peer = Arg("--peer", "") is { Length: > 0 } p ? p : null;
        int threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)));
        string dir = Arg("--dir", Path.Combine(Path.GetTempPath(), "mlnetrec-serving-bench"));
        Directory.CreateDirectory(dir);
        bool buildOnly = args.Contains("--build-only");
        var storage = Arg("--storage", "f32") == "f16" ? GraphVectorStorage.Float16 : GraphVectorStorage.Float32;
        var graph = Arg("--graph", "lifted") == "direct" ? InnerProductGraph.Direct : InnerProductGraph.Lifted;

        Console.WriteLine($"serving: dim {dim}, {queryCount} queries, inner product, HNSW M 16 efConstruction 200, build threads {threads}, " +
                          $"search 1 thread; {rounds} interleaved rounds, median; load {File.ReadAllText("/proc/loadavg").Trim()} (cores {Environment.ProcessorCount})");
        foreach (int n in sizes)
            foreach (var dist in dists)
                RunCase(n, dim, queryCount, dist, efs, rounds, peer, threads, dir, buildOnly, storage, graph);
    }

    private static void RunCase(int n, int dim, int queryCount, string dist, int[] efs, int rounds, string? peer, int threads, string dir, bool buildOnly, GraphVectorStorage storage, InnerProductGraph graph)
    {
        var rng = new Random(n + dist.Length);
        var (items, queries) = dist == "mixture" ? Mixture(rng, n, queryCount, dim) : (Normal(rng, n, dim), Normal(rng, queryCount, dim));
        string caseDir = Path.Combine(dir, $"{n}-{dim}-{dist}-{queryCount}");
        Directory.CreateDirectory(caseDir);
        Console.WriteLine();
        Console.WriteLine($"== {n:N0} items × {dim}, {dist} ({(dist == "mixture" ? "1024 Gaussian clusters, σ 0.5 around N(0,1) centres; queries from the same mixture" : "i.i.d. N(0,1)")}); load {Load()}");

        var sw = Stopwatch.StartNew();
        using var exact = EmbeddingIndex.Build(items, null);
        double exactBuild = sw.Elapsed.TotalSeconds;
        // Ground truth top-100 (best first, so its first 10 are the top-10), cached with the vectors the peer reads.
        string truthPath = Path.Combine(caseDir, "truth.i32");
        TopKResult truth;
        if (File.Exists(truthPath))
        {
            truth = new TopKResult(queryCount, 100, MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(truthPath)).ToArray(), new float[queryCount * 100]);
            Console.WriteLine($"exact: pack {exactBuild:F2} s; ground truth top-100 read from {truthPath}");
        }
        else
        {
            sw.Restart();
            truth = exact.Search(queries, 100);
            Console.WriteLine($"exact: pack {exactBuild:F2} s; ground truth top-100 for {queryCount} queries {sw.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} threads)");
            WriteRaw(Path.Combine(caseDir, "items.f32"), items.Values);
            WriteRaw(Path.Combine(caseDir, "queries.f32"), queries.Values);
            File.WriteAllText(Path.Combine(caseDir, "shape.txt"), $"{n} {queryCount} {dim}");
            WriteRaw(truthPath, truth.Items);
        }
        var truth10 = Truncate(truth, 10);

        // Our graph: built here (alone, timed) or read back from the cache of an earlier run with the same settings.
        string ourPath = Path.Combine(caseDir, $"usearch-16-200-t{threads}{(storage == GraphVectorStorage.Float16 ? "-f16" : "")}{(graph == InnerProductGraph.Direct ? "-direct" : "")}.idx");
        HnswEmbeddingIndex hnsw;
        double hnswBuild;
        if (File.Exists(ourPath))
        {
            hnsw = (HnswEmbeddingIndex)EmbeddingIndex.Load(ourPath);
            hnswBuild = double.Parse(File.ReadAllText(ourPath + ".build_s"), CultureInfo.InvariantCulture);
        }
        else
        {
            sw.Restart();
            hnsw = (HnswEmbeddingIndex)EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions
            {
                Kind = EmbeddingIndexKind.Hnsw, Connectivity = 16, ExpansionAdd = 200, BuildThreads = threads, VectorStorage = storage, InnerProductGraph = graph,
            });
            hnswBuild = sw.Elapsed.TotalSeconds;
            EmbeddingIndex.Save(hnsw, ourPath);
            File.WriteAllText(ourPath + ".build_s", hnswBuild.ToString("R", CultureInfo.InvariantCulture));
        }
        using var _ = hnsw;
        Console.WriteLine($"USearch HNSW build ({storage}, {graph} graph): {hnswBuild:F1} s ({threads} threads); load {Load()}");

        // The peer builds (or reads its cached graph) after ours, so the two builds do not share the cores.
        PeerProcess? peerProcess = null;
        if (peer != null)
        {
            peerProcess = new PeerProcess(peer, $"{caseDir} 16 200 {threads}");
            var ready = peerProcess.ReadLine();
            Console.WriteLine($"peer build: {PeerProcess.Fields(ready)["build_s"]:F1} s ({peer}); load {Load()}");
        }
        if (buildOnly)
        {
            peerProcess?.Dispose();
            return;
        }

        // Exact µs/query (1 thread): batch 64 over the first 256 queries, batch 1 over 64 of them.
        var exactB64 = Median(rounds, () => TimeBatches(exact, queries, 10, 64, Math.Min(queryCount, 256)));
        var exactB1 = Median(Math.Min(rounds, 3), () => TimeBatches(exact, queries, 10, 1, Math.Min(queryCount, 64)));
        Console.WriteLine($"exact 1 thread top-10: {exactB1:F0} µs/query batch 1, {exactB64:F0} µs/query batch 64");

        Console.WriteLine($"{"engine",-10} {"ef",5} {"recall@10",10} {"recall@100",11} {"µs/q b1 k10",12} {"µs/q b64 k10",13} {"µs/q b1 k100",13} {"vs exact b1",12}");
        foreach (int ef in efs)
        {
            hnsw.ExpansionSearch = ef;
            double r10 = Recall(truth10, hnsw.Search(queries, 10), 10);
            double r100 = Recall(truth, hnsw.Search(queries, 100), 100);
            var ours = new List<(double B1, double B64, double B1K100)>();
            var theirs = new List<(double B1, double B64, double B1K100, double R10, double R100)>();
            for (int round = 0; round < rounds; round++)
            {
                ours.Add((TimeBatches(hnsw, queries, 10, 1, queryCount), TimeBatches(hnsw, queries, 10, 64, queryCount), TimeBatches(hnsw, queries, 100, 1, queryCount)));
                if (peerProcess != null)
                {
                    var a = PeerProcess.Fields(peerProcess.Ask($"search {ef} 10 1"));
                    var b = PeerProcess.Fields(peerProcess.Ask($"search {ef} 10 64"));
                    var c = PeerProcess.Fields(peerProcess.Ask($"search {ef} 100 1"));
                    theirs.Add((a["us"], b["us"], c["us"], a["recall"], c["recall"]));
                }
            }
            double ob1 = Median(ours.Select(o => o.B1)), ob64 = Median(ours.Select(o => o.B64)), ob100 = Median(ours.Select(o => o.B1K100));
            Console.WriteLine($"{"USearch",-10} {ef,5} {r10,10:F4} {r100,11:F4} {ob1,12:F1} {ob64,13:F1} {ob100,13:F1} {exactB1 / ob1,11:F0}×");
            if (theirs.Count > 0)
                Console.WriteLine($"{"peer",-10} {ef,5} {theirs[0].R10,10:F4} {theirs[0].R100,11:F4} {Median(theirs.Select(t => t.B1)),12:F1} {Median(theirs.Select(t => t.B64)),13:F1} {Median(theirs.Select(t => t.B1K100)),13:F1} {exactB1 / Median(theirs.Select(t => t.B1)),11:F0}×");
        }
        peerProcess?.Dispose();
        Console.WriteLine($"load after: {Load()}");
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    private static TopKResult Truncate(TopKResult result, int k)
    {
        var items = new int[result.QueryCount * k];
        for (int q = 0; q < result.QueryCount; q++) result.Items.AsSpan(q * result.K, k).CopyTo(items.AsSpan(q * k, k));
        return new TopKResult(result.QueryCount, k, items, new float[items.Length]);
    }

    // µs per query searching `count` queries in batches of `batch` on one thread.
    private static double TimeBatches(IEmbeddingIndex index, EmbeddingTable queries, int k, int batch, int count)
    {
        int dim = queries.Dimension;
        var tables = new List<EmbeddingTable>();
        for (int s = 0; s < count; s += batch)
        {
            int m = Math.Min(batch, count - s);
            tables.Add(new EmbeddingTable(m, dim, queries.Values.AsSpan(s * dim, m * dim).ToArray()));
        }
        var options = new IndexSearchOptions { MaxDegreeOfParallelism = 1 };
        var sw = Stopwatch.StartNew();
        foreach (var t in tables) index.Search(t, k, options);
        return sw.Elapsed.TotalMicroseconds / count;
    }

    private static double Recall(TopKResult truth, TopKResult found, int k)
    {
        long hits = 0;
        for (int q = 0; q < truth.QueryCount; q++)
        {
            var t = truth.ItemsOf(q)[..k].ToArray();
            Array.Sort(t);
            foreach (int item in found.ItemsOf(q)) if (Array.BinarySearch(t, item) >= 0) hits++;
        }
        return (double)hits / ((long)truth.QueryCount * k);
    }

    private static double Median(int rounds, Func<double> measure) => Median(Enumerable.Range(0, rounds).Select(_ => measure()).ToList());

    private static double Median(IEnumerable<double> values) => BenchArgs.Median(values);

    private static void WriteRaw<T>(string path, T[] values) where T : struct =>
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    private static EmbeddingTable Normal(Random rng, int count, int dim)
    {
        var v = new float[(long)count * dim];
        for (long i = 0; i < v.Length; i++) v[i] = Gaussian(rng);
        return new EmbeddingTable(count, dim, v);
    }

    /// <summary>Items and queries from one mixture of 1024 Gaussian clusters (centres N(0, 1), spread σ 0.5).</summary>
    internal static (EmbeddingTable Items, EmbeddingTable Queries) Mixture(Random rng, int count, int queryCount, int dim)
    {
        const int clusters = 1024;
        var centres = Normal(rng, clusters, dim);
        EmbeddingTable Draw(int m)
        {
            var v = new float[(long)m * dim];
            for (int i = 0; i < m; i++)
            {
                int c = rng.Next(clusters);
                for (int d = 0; d < dim; d++) v[(long)i * dim + d] = centres.Values[c * dim + d] + 0.5f * Gaussian(rng);
            }
            return new EmbeddingTable(m, dim, v);
        }
        return (Draw(count), Draw(queryCount));
    }
}
