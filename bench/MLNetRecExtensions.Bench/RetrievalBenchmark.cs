using System.Diagnostics;
using System.Runtime.Intrinsics;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Exact top-10 over 100,000 random items × 64 dimensions: <see cref="ExactTopK"/> (SIMD tiles, single-threaded and
/// parallel) against a plain scalar loop (for each user, for each item, a scalar for-loop dot product, the same
/// bounded heap), single-threaded. Prints users/s and ratios, and checks that both give the same top-10.
/// Args: [users (2000)] [baseline users (200)] [items (100000)] [dim (64)].
/// </summary>
internal sealed class RetrievalBenchmark : IBenchmark
{
    public string Name => "retrieval";

    public string Description => "exact top-10 over 100k items × 64 dims: SIMD ExactTopK vs a scalar loop, users/s";

    public void Run(string[] args)
    {
        int users = args.Length > 0 ? int.Parse(args[0]) : 2000;
        int baselineUsers = Math.Min(users, args.Length > 1 ? int.Parse(args[1]) : 200);
        int itemCount = args.Length > 2 ? int.Parse(args[2]) : 100_000;
        int dim = args.Length > 3 ? int.Parse(args[3]) : 64;
        const int k = 10;

        var rng = new Random(42);
        var queries = Random(rng, users, dim);
        var items = Random(rng, itemCount, dim);
        Console.WriteLine($"retrieval: {users} users × {itemCount} items × {dim} dims, top-{k}; " +
                          $"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, cores: {Environment.ProcessorCount}");

        // Warm-up (JIT) on a few users.
        var warm = new EmbeddingTable(Math.Min(users, 64), dim, queries.Values.AsSpan(0, Math.Min(users, 64) * dim).ToArray());
        ExactTopK.Search(warm, items, k, new TopKOptions { MaxDegreeOfParallelism = 1 });
        Scalar(warm, items, k, 4);

        var (single, singleSeconds) = Best(3, () => ExactTopK.Search(queries, items, k, new TopKOptions { MaxDegreeOfParallelism = 1 }));
        var (parallel, parallelSeconds) = Best(3, () => ExactTopK.Search(queries, items, k));
        var baselineQueries = new EmbeddingTable(baselineUsers, dim, queries.Values.AsSpan(0, baselineUsers * dim).ToArray());
        var (scalar, scalarSeconds) = Best(1, () => Scalar(baselineQueries, items, k, baselineUsers));

        double scalarRate = baselineUsers / scalarSeconds;
        double singleRate = users / singleSeconds;
        double parallelRate = users / parallelSeconds;
        Console.WriteLine($"{"path",-36} {"users",7} {"seconds",9} {"users/s",10} {"× scalar",9}");
        Console.WriteLine($"{"scalar loop + heap (1 thread)",-36} {baselineUsers,7} {scalarSeconds,9:F3} {scalarRate,10:F0} {1.0,9:F1}");
        Console.WriteLine($"{"ExactTopK SIMD (1 thread)",-36} {users,7} {singleSeconds,9:F3} {singleRate,10:F0} {singleRate / scalarRate,9:F1}");
        Console.WriteLine($"{"ExactTopK SIMD (parallel)",-36} {users,7} {parallelSeconds,9:F3} {parallelRate,10:F0} {parallelRate / scalarRate,9:F1}");

        bool sameThreads = single.Items.AsSpan().SequenceEqual(parallel.Items) && single.Scores.AsSpan().SequenceEqual(parallel.Scores);
        int identical = 0, sameSet = 0;
        double maxScoreDiff = 0;
        for (int q = 0; q < baselineUsers; q++)
        {
            var a = single.ItemsOf(q);
            var b = scalar.AsSpan(q * k, k);
            if (a.SequenceEqual(b)) identical++;
            if (a.ToArray().Order().SequenceEqual(b.ToArray().Order())) sameSet++;
            for (int r = 0; r < k; r++)
                maxScoreDiff = Math.Max(maxScoreDiff, Math.Abs(single.ScoresOf(q)[r] - Dot(baselineQueries.Row(q), items.Row(single.ItemsOf(q)[r]))));
        }
        Console.WriteLine($"check: SIMD vs scalar top-{k}: identical order for {identical}/{baselineUsers} users, same set for {sameSet}/{baselineUsers}; " +
                          $"max |SIMD score − scalar dot| = {maxScoreDiff:E2} (FMA vs separate multiply-add rounding); " +
                          $"1 thread vs parallel bit-identical: {sameThreads}");
    }

    private static EmbeddingTable Random(Random rng, int count, int dim)
    {
        var v = new float[count * dim];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return new EmbeddingTable(count, dim, v);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0f;
        for (int d = 0; d < a.Length; d++) s += a[d] * b[d];
        return s;
    }

    // The baseline: per user, per item, a scalar dot product into the same bounded heap; returns [users, k] items.
    private static int[] Scalar(EmbeddingTable queries, EmbeddingTable items, int k, int users)
    {
        var result = new int[users * k];
        var scores = new float[k];
        var heap = new TopKHeap(k);
        for (int q = 0; q < users; q++)
        {
            var query = queries.Row(q);
            for (int i = 0; i < items.Count; i++) heap.Offer(Dot(query, items.Row(i)), i);
            heap.Drain(result.AsSpan(q * k, k), scores);
        }
        return result;
    }

    private static (T Result, double Seconds) Best<T>(int repeats, Func<T> run)
    {
        T result = default!;
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            result = run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return (result, best);
    }
}
