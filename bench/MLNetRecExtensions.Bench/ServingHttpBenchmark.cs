using System.Diagnostics;
using System.Globalization;
using System.Net;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Serving.Http;
using MLNetRecExtensions.Serving.Store;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// HTTP serving under load: <c>GET /recommend/{user}?k=10</c> against an in-process server over a 100k-item HNSW
/// index (Gaussian-mixture embeddings, 64 dims, 10k users with 20 seen items each), driven by a bounded in-process
/// load generator on loopback (C concurrent clients, each sending its next request when the previous answered).
/// Two servers, one serving users from memory and one from Redis (a redis-server started here on a free port, or
/// <c>--redis HOST:PORT</c>), are measured in interleaved rounds; prints requests/s and p50/p99 latency per round
/// and the medians, with the process CPU time per request (robust to other load on the machine). The bundle (with its HNSW graph) is cached at <c>--bundle PATH</c> so reruns skip the build.
/// Args: [--items 100000] [--users 10000] [--clients 32] [--seconds 20] [--rounds 5] [--ef 128] [--redis HOST:PORT] [--bundle PATH].
/// </summary>
internal sealed class ServingHttpBenchmark : IBenchmark
{
    public string Name => "serving-http";

    public string Description => "HTTP /recommend top-10 over a 100k-item HNSW index, 32 clients: throughput and p50/p99, with and without Redis";

    public void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => BenchArgs.Get(args, name, fallback);
        int items = int.Parse(Arg("--items", "100000"), CultureInfo.InvariantCulture);
        int users = int.Parse(Arg("--users", "10000"), CultureInfo.InvariantCulture);
        int clients = int.Parse(Arg("--clients", "32"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds", "5"), CultureInfo.InvariantCulture);
        int ef = int.Parse(Arg("--ef", "128"), CultureInfo.InvariantCulture);
        string? redisEndpoint = Arg("--redis", "") is { Length: > 0 } r ? r : null;
        string bundlePath = Arg("--bundle", Path.Combine(Path.GetTempPath(), $"mlnetrec-http-bench-{items}-{users}.zip"));

        Console.WriteLine($"serving-http: {items:N0} items × 64, {users:N0} users, HNSW (M 16, efC 200, ef {ef}), {clients} clients, {seconds} s × {rounds} interleaved rounds; " +
                          $"load {File.ReadAllText("/proc/loadavg").Trim()} (cores {Environment.ProcessorCount}; server and load generator share them)");
        var model = LoadOrBuild(bundlePath, items, users);

        Process? redisProcess = null;
        if (redisEndpoint == null)
        {
            int port = FreePort();
            redisProcess = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
            {
                RedirectStandardOutput = true, UseShellExecute = false,
            });
            redisEndpoint = $"127.0.0.1:{port}";
            await Task.Delay(500);
        }
        try
        {
            var store = await RedisEmbeddingStore.ConnectAsync(redisEndpoint, model.ModelId, model.Dimension);
            var sw = Stopwatch.StartNew();
            await store.WriteModelAsync(model);
            Console.WriteLine($"uploaded {users:N0} user and {items:N0} item vectors + seen sets to Redis at {redisEndpoint} in {sw.Elapsed.TotalSeconds:F1} s");
            var options = new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, ExpansionSearch = ef };
            var memoryService = new RecommendationService(model, EmbeddingIndexKind.Hnsw, null, options);
            var redisService = new RecommendationService(model, EmbeddingIndexKind.Hnsw, store, options);
            await using var memoryServer = await RecommendationServer.StartAsync(memoryService, 0);
            await using var redisServer = await RecommendationServer.StartAsync(redisService, 0);

            var results = new Dictionary<string, List<Round>> { ["memory"] = [], ["redis"] = [] };
            await Load(memoryServer.Address, clients, 2, users); // warm-up (JIT, connections)
            await Load(redisServer.Address, clients, 2, users);
            Console.WriteLine($"{"round",5} {"users from",10} {"requests/s",11} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"cpu µs/req",11}  load");
            for (int round = 1; round <= rounds; round++)
            {
                foreach (var (name, server) in new[] { ("memory", memoryServer), ("redis", redisServer) })
                {
                    var result = await Load(server.Address, clients, seconds, users);
                    results[name].Add(result);
                    Console.WriteLine($"{round,5} {name,10} {result.Throughput,11:F0} {result.P50,8:F2} {result.P99,8:F2} {result.Errors,7} {result.CpuMicrosPerRequest,11:F0}  {File.ReadAllText("/proc/loadavg").Trim()}");
                }
            }
            foreach (var (name, list) in results)
                Console.WriteLine($"median {name,-7}: {Median(list.Select(x => x.Throughput)):F0} requests/s, p50 {Median(list.Select(x => x.P50)):F2} ms, p99 {Median(list.Select(x => x.P99)):F2} ms, " +
                                  $"{Median(list.Select(x => x.CpuMicrosPerRequest)):F0} CPU µs per request (server + load generator, this process) → ≈ {Environment.ProcessorCount * 1e6 / Median(list.Select(x => x.CpuMicrosPerRequest)):F0} requests/s on {Environment.ProcessorCount} idle cores");
            memoryService.Dispose();
            store.Dispose();
        }
        finally
        {
            if (redisProcess is { HasExited: false })
            {
                redisProcess.Kill();
                redisProcess.WaitForExit(5000);
            }
        }
    }

    private sealed record Round(double Throughput, double P50, double P99, int Errors, double CpuMicrosPerRequest);

    // C clients in a closed loop for `seconds`: each sends GET /recommend/u{random}?k=10 when its previous answer arrived.
    private static async Task<Round> Load(Uri address, int clients, double seconds, int users)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = address, Timeout = TimeSpan.FromSeconds(30),
        };
        var latencies = new List<double>[clients];
        int errors = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var rng = new Random(c * 7919 + 1);
            var mine = latencies[c] = new List<double>(4096);
            while (stop.Elapsed < end)
            {
                long t0 = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"recommend/u{rng.Next(users)}?k=10").ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        double elapsed = stop.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Round(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors, cpu / Math.Max(1, all.Length));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static double Median(IEnumerable<double> values) => BenchArgs.Median(values);

    private static ServingModel LoadOrBuild(string path, int items, int users)
    {
        if (File.Exists(path))
        {
            var cached = ServingModel.Load(path);
            if (cached.SavedIndex != null && cached.Items.Count == items && cached.Users.Count == users)
            {
                Console.WriteLine($"bundle: {path} (cached, HNSW graph included)");
                return cached;
            }
        }
        var rng = new Random(7);
        var (itemTable, userTable) = ServingBenchmark.Mixture(rng, items, users, 64);
        var seen = UserItemMatrix.FromRows(items, Enumerable.Range(0, users).Select(_ => Enumerable.Range(0, 20).Select(_ => rng.Next(items)).ToArray()).ToArray());
        var model = new ServingModel($"http-bench-{items}", new IdMapping<string>(Enumerable.Range(0, users).Select(u => $"u{u}")),
            new IdMapping<string>(Enumerable.Range(0, items).Select(i => $"i{i}")), userTable, itemTable, null, seen);
        var sw = Stopwatch.StartNew();
        model.Save(path, new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw }, similarIndex: false);
        Console.WriteLine($"bundle: built the HNSW graph and saved {path} in {sw.Elapsed.TotalSeconds:F0} s");
        return ServingModel.Load(path);
    }

    private static int FreePort() => BenchArgs.FreePort();
}
