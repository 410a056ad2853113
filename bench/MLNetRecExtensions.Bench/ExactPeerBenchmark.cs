using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Exact top-K on one thread: <see cref="ExactEmbeddingIndex"/> (items packed once, at build) against a peer such as
/// faiss <c>IndexFlatIP</c> run beside the bench (<c>--peer CMD</c>, started as <c>CMD DIR K</c>; it answers
/// <c>ready</c>, then each <c>search</c> line with <c>wall_us=… cpu_us=…</c> and writes its top-K ids to
/// <c>DIR/peer_topk.i32</c>), in interleaved rounds. Reports wall and CPU time per query (CPU time of the searching
/// thread is robust to other load on the machine), the share of the FMA bound (16 fp32 FMAs per cycle per core
/// with AVX-512 at <c>--ghz</c>), and how many queries have the identical top-K.
/// Args: [--items 100000] [--dim 64] [--queries 2000] [--k 10] [--rounds 5] [--ghz from /proc/cpuinfo] [--peer CMD] [--dir DIR].
/// </summary>
internal sealed class ExactPeerBenchmark : IBenchmark
{
    public string Name => "exact-peer";

    public string Description => "exact top-10 over 100k × 64 on 1 thread vs a peer (faiss IndexFlatIP): µs/query, FMA-bound share, identical top-10";

    public void Run(string[] args)
    {
        string Arg(string name, string fallback) => BenchArgs.Get(args, name, fallback);
        int n = int.Parse(Arg("--items", "100000"), CultureInfo.InvariantCulture);
        int dim = int.Parse(Arg("--dim", "64"), CultureInfo.InvariantCulture);
        int queryCount = int.Parse(Arg("--queries", "2000"), CultureInfo.InvariantCulture);
        int k = int.Parse(Arg("--k", "10"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds", "5"), CultureInfo.InvariantCulture);
        double ghz = double.Parse(Arg("--ghz", CpuGhz().ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        string? peer = Arg("--peer", "") is { Length: > 0 } p ? p : null;
        string dir = Arg("--dir", Path.Combine(Path.GetTempPath(), "mlnetrec-exact-peer"));
        Directory.CreateDirectory(dir);

        var rng = new Random(42);
        var items = Uniform(rng, n, dim);
        var queries = Uniform(rng, queryCount, dim);
        double flops = 2.0 * n * dim; // per query
        double boundUs = n * dim / (16 * ghz * 1e3); // µs per query at 16 FMAs per cycle
        Console.WriteLine($"exact-peer: {n:N0} items × {dim}, {queryCount} queries, top-{k}, 1 thread; FMA bound {boundUs:F1} µs/query at {ghz:F2} GHz; " +
                          $"load {File.ReadAllText("/proc/loadavg").Trim()} (cores {Environment.ProcessorCount}, shared with other work)");
        var sw = Stopwatch.StartNew();
        using var index = EmbeddingIndex.Build(items, null);
        Console.WriteLine($"pack once: {sw.Elapsed.TotalMilliseconds:F0} ms");
        index.Search(new EmbeddingTable(64, dim, queries.Values[..(64 * dim)]), k, new IndexSearchOptions { MaxDegreeOfParallelism = 1 }); // JIT

        PeerProcess? peerProcess = null;
        if (peer != null)
        {
            File.WriteAllBytes(Path.Combine(dir, "items.f32"), MemoryMarshal.AsBytes(items.Values.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "queries.f32"), MemoryMarshal.AsBytes(queries.Values.AsSpan()).ToArray());
            File.WriteAllText(Path.Combine(dir, "shape.txt"), $"{n} {queryCount} {dim}");
            peerProcess = new PeerProcess(peer, $"{dir} {k}");
            Console.WriteLine($"peer: {peerProcess.ReadLine()}");
        }
        Console.WriteLine($"{"round",5} {"engine",-8} {"wall µs/q",10} {"cpu µs/q",9} {"GFLOP/s cpu",12} {"% FMA bound",12}");
        var ours = new List<(double Wall, double Cpu)>();
        var theirs = new List<(double Wall, double Cpu)>();
        TopKResult? result = null;
        for (int r = 1; r <= rounds; r++)
        {
            var cpu0 = ThreadCpu();
            sw.Restart();
            result = index.Search(queries, k, new IndexSearchOptions { MaxDegreeOfParallelism = 1 });
            double wall = sw.Elapsed.TotalMicroseconds / queryCount;
            double cpu = (ThreadCpu() - cpu0).TotalMicroseconds / queryCount;
            ours.Add((wall, cpu));
            Console.WriteLine($"{r,5} {"ours",-8} {wall,10:F1} {cpu,9:F1} {flops / cpu / 1e3,12:F1} {100 * boundUs / cpu,11:F0}%");
            if (peerProcess != null)
            {
                var f = PeerProcess.Fields(peerProcess.Ask("search"));
                theirs.Add((f["wall_us"], f["cpu_us"]));
                Console.WriteLine($"{r,5} {"peer",-8} {f["wall_us"],10:F1} {f["cpu_us"],9:F1} {flops / f["cpu_us"] / 1e3,12:F1} {100 * boundUs / f["cpu_us"],11:F0}%");
            }
        }
        double ourCpu = Median(ours.Select(o => o.Cpu)), ourWall = Median(ours.Select(o => o.Wall));
        Console.WriteLine($"median ours: {ourWall:F1} µs/query wall, {ourCpu:F1} cpu = {100 * boundUs / ourCpu:F0}% of the FMA bound");
        if (peerProcess != null)
        {
            double peerCpu = Median(theirs.Select(o => o.Cpu)), peerWall = Median(theirs.Select(o => o.Wall));
            Console.WriteLine($"median peer: {peerWall:F1} µs/query wall, {peerCpu:F1} cpu; ours is {peerCpu / ourCpu:F2}× faster (cpu), {peerWall / ourWall:F2}× (wall)");
            var peerTop = MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(Path.Combine(dir, "peer_topk.i64"))).ToArray();
            int identical = 0, sameSet = 0;
            for (int q = 0; q < queryCount; q++)
            {
                var a = result!.ItemsOf(q).ToArray();
                var b = peerTop.AsSpan(q * k, k).ToArray().Select(x => (int)x).ToArray();
                if (a.SequenceEqual(b)) identical++;
                if (a.Order().SequenceEqual(b.Order())) sameSet++;
            }
            Console.WriteLine($"top-{k}: identical order for {identical}/{queryCount} queries, same set for {sameSet}/{queryCount} (differences are near-ties: faiss sums in another order)");
            peerProcess.Dispose();
        }
    }

    private static TimeSpan ThreadCpu()
    {
        // CLOCK_THREAD_CPUTIME_ID = 3
        var ts = new Timespec();
        return clock_gettime(3, ref ts) == 0 ? TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100) : TimeSpan.Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, ref Timespec time);

    private static double CpuGhz()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            if (line != null) return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture) / 1000;
        }
        catch (IOException)
        {
        }
        return 3.0;
    }

    private static double Median(IEnumerable<double> values) => BenchArgs.Median(values);

    private static EmbeddingTable Uniform(Random rng, int count, int dim)
    {
        var v = new float[count * dim];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return new EmbeddingTable(count, dim, v);
    }
}
