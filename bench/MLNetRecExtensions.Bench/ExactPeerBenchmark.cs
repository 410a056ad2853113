using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Exact top-K: <see cref="ExactEmbeddingIndex"/> (items packed once, at build) with its default integer first pass
/// (<c>int16</c> row) and with fp32 scoring only (<c>fp32</c> row, <see cref="EmbeddingIndexOptions.QuantizedFirstPass"/>
/// = false) against a peer such as faiss <c>IndexFlatIP</c> run beside the bench (<c>--peer CMD</c>, started as
/// <c>CMD DIR K THREADS</c>; it searches on THREADS threads, reads <c>DIR/items.f32</c>, <c>DIR/queries.f32</c> (row-major float32) and <c>DIR/shape.txt</c>
/// (<c>items queries dimension</c>), answers <c>ready …</c>, then each <c>search</c> line with
/// <c>wall_us=… cpu_us=…</c> (per query) and writes its top-K ids, int64 row-major <c>[queries, K]</c>, to
/// <c>DIR/peer_topk.i64</c>), in interleaved rounds. Reports wall and CPU time per query (CPU time of the searching
/// thread is robust to other load on the machine; with <c>--threads</c> &gt; 1 the process CPU time), the share of the
/// fp32 FMA bound (n·d FMAs per query at the thread's fp32 FMA peak, measured by <see cref="FmaPeak"/> or given as
/// <c>--peak-gflops</c>; the int16 pass does half the multiply-add instructions, so it can exceed 100 %), whether the int16 and fp32 results are bit-identical (items and
/// scores), and how many queries have the identical top-K as the peer.
/// Args: [--items 100000] [--dim 64] [--queries 2000] [--k 10] [--rounds 5] [--threads 1] [--peak-gflops measured] [--peer CMD] [--dir DIR].
/// </summary>
internal sealed class ExactPeerBenchmark : IBenchmark
{
    public string Name => "exact-peer";

    public string Description => "exact top-10 over 100k × 64 on 1 thread, int16 first pass and fp32, vs a peer (faiss IndexFlatIP): µs/query, FMA-bound share, identical top-10";

    public void Run(string[] args)
    {
        string Arg(string name, string fallback) => BenchArgs.Get(args, name, fallback);
        int n = int.Parse(Arg("--items", "100000"), CultureInfo.InvariantCulture);
        int dim = int.Parse(Arg("--dim", "64"), CultureInfo.InvariantCulture);
        int queryCount = int.Parse(Arg("--queries", "2000"), CultureInfo.InvariantCulture);
        int k = int.Parse(Arg("--k", "10"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds", "5"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture);
        string peakArg = Arg("--peak-gflops", "");
        double peakGflops = peakArg.Length > 0 ? double.Parse(peakArg, CultureInfo.InvariantCulture) : FmaPeak.MeasureGflops();
        string? peer = Arg("--peer", "") is { Length: > 0 } p ? p : null;
        string dir = Arg("--dir", Path.Combine(Path.GetTempPath(), "mlnetrec-exact-peer"));
        Directory.CreateDirectory(dir);

        var rng = new Random(42);
        var items = Uniform(rng, n, dim);
        var queries = Uniform(rng, queryCount, dim);
        double flops = 2.0 * n * dim; // per query
        double boundUs = flops / (peakGflops * 1e3); // µs per query at the FMA peak
        Console.WriteLine($"exact-peer: {n:N0} items × {dim}, {queryCount} queries, top-{k}, {threads} thread(s); FMA bound {boundUs:F1} µs/query at the measured fp32 peak {peakGflops:F0} GFLOP/s per thread; " +
                          $"load {File.ReadAllText("/proc/loadavg").Trim()} (cores {Environment.ProcessorCount}, shared with other work)");
        var sw = Stopwatch.StartNew();
        using var index = EmbeddingIndex.Build(items, null);
        double quantizeMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        using var fp32 = EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { QuantizedFirstPass = false });
        double packMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        EmbeddingIndex.Build(items, null).Dispose();
        double quantizeWarmMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { QuantizedFirstPass = false }).Dispose();
        Console.WriteLine($"build once: int16 (quantize) {quantizeMs:F0} ms, fp32 (pack) {packMs:F0} ms; again, JIT-compiled: {quantizeWarmMs:F0} / {sw.Elapsed.TotalMilliseconds:F0} ms");
        var search = new IndexSearchOptions { MaxDegreeOfParallelism = threads };
        index.Search(queries, k, search); // JIT up to the optimized tier
        fp32.Search(queries, k, search);

        PeerProcess? peerProcess = null;
        if (peer != null)
        {
            File.WriteAllBytes(Path.Combine(dir, "items.f32"), MemoryMarshal.AsBytes(items.Values.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "queries.f32"), MemoryMarshal.AsBytes(queries.Values.AsSpan()).ToArray());
            File.WriteAllText(Path.Combine(dir, "shape.txt"), $"{n} {queryCount} {dim}");
            peerProcess = new PeerProcess(peer, $"{dir} {k} {threads}");
            Console.WriteLine($"peer: {peerProcess.ReadLine()}");
        }
        Console.WriteLine($"{"round",5} {"engine",-8} {"wall µs/q",10} {"cpu µs/q",9} {"GFLOP/s cpu",12} {"% FMA bound",12}");
        var runs = new Dictionary<string, List<(double Wall, double Cpu)>> { ["int16"] = [], ["fp32"] = [], ["peer"] = [] };
        TopKResult? result = null, fp32Result = null;
        void Report(int round, string engine, double wall, double cpu)
        {
            runs[engine].Add((wall, cpu));
            Console.WriteLine($"{round,5} {engine,-8} {wall,10:F1} {cpu,9:F1} {flops / cpu / 1e3,12:F1} {100 * boundUs / cpu,11:F0}%");
        }
        for (int r = 1; r <= rounds; r++)
        {
            (result, var w, var c) = Timed(() => index.Search(queries, k, search), queryCount, threads);
            Report(r, "int16", w, c);
            (fp32Result, w, c) = Timed(() => fp32.Search(queries, k, search), queryCount, threads);
            Report(r, "fp32", w, c);
            if (peerProcess != null)
            {
                var f = PeerProcess.Fields(peerProcess.Ask("search"));
                Report(r, "peer", f["wall_us"], f["cpu_us"]);
            }
        }
        double Med(string engine, bool cpu) => Median(runs[engine].Select(o => cpu ? o.Cpu : o.Wall));
        foreach (var engine in new[] { "int16", "fp32" })
            Console.WriteLine($"median {engine}: {Med(engine, false):F1} µs/query wall, {Med(engine, true):F1} cpu = {100 * boundUs / Med(engine, true):F0}% of the fp32 FMA bound");
        bool bitIdentical = result!.Items.AsSpan().SequenceEqual(fp32Result!.Items) &&
                            MemoryMarshal.AsBytes(result.Scores.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(fp32Result.Scores.AsSpan()));
        Console.WriteLine($"int16 vs fp32: {Med("fp32", true) / Med("int16", true):F2}× faster (cpu), {Med("fp32", false) / Med("int16", false):F2}× (wall); results bit-identical (items and scores): {bitIdentical}");
        if (peerProcess != null)
        {
            Console.WriteLine($"median peer: {Med("peer", false):F1} µs/query wall, {Med("peer", true):F1} cpu");
            foreach (var engine in new[] { "int16", "fp32" })
                Console.WriteLine($"{engine} vs peer: {Med("peer", true) / Med(engine, true):F2}× faster (cpu), {Med("peer", false) / Med(engine, false):F2}× (wall)");
            var peerTop = MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(Path.Combine(dir, "peer_topk.i64"))).ToArray();
            int identical = 0, sameSet = 0;
            for (int q = 0; q < queryCount; q++)
            {
                var a = result.ItemsOf(q).ToArray();
                var b = peerTop.AsSpan(q * k, k).ToArray().Select(x => (int)x).ToArray();
                if (a.SequenceEqual(b)) identical++;
                if (a.Order().SequenceEqual(b.Order())) sameSet++;
            }
            Console.WriteLine($"top-{k} (int16 vs peer): identical order for {identical}/{queryCount} queries, same set for {sameSet}/{queryCount} (differences are near-ties: faiss sums in another order)");
            peerProcess.Dispose();
        }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    // Runs one search; wall and CPU µs per query (the calling thread's CPU on 1 thread, the process's otherwise).
    private static (TopKResult Result, double Wall, double Cpu) Timed(Func<TopKResult> search, int queryCount, int threads)
    {
        var cpu0 = threads == 1 ? ThreadCpu() : Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var result = search();
        double wall = sw.Elapsed.TotalMicroseconds / queryCount;
        var cpu1 = threads == 1 ? ThreadCpu() : Process.GetCurrentProcess().TotalProcessorTime;
        return (result, wall, (cpu1 - cpu0).TotalMicroseconds / queryCount);
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

    private static double Median(IEnumerable<double> values) => BenchArgs.Median(values);

    private static EmbeddingTable Uniform(Random rng, int count, int dim)
    {
        var v = new float[count * dim];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return new EmbeddingTable(count, dim, v);
    }
}
