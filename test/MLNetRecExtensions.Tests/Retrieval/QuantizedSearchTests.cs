using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Tests.Retrieval;

[TestClass]
public sealed unsafe class QuantizedSearchTests
{
    private static IEnumerable<QuantizedKernelKind> Kinds => Enum.GetValues<QuantizedKernelKind>().Where(QuantizedKernels.IsSupported);

    // The fp32 scan every item goes through (the arithmetic the quantized search must reproduce bit for bit).
    private static TopKResult Fp32(EmbeddingTable queries, EmbeddingTable items, float[]? biases, int k, UserItemMatrix? exclude = null) =>
        ExactTopK.SearchPacked(queries, ItemPanels.Build(items, biases), k, exclude, null, 1);

    private static void AssertBitIdentical(TopKResult expected, TopKResult actual, string what)
    {
        CollectionAssert.AreEqual(expected.Items, actual.Items, $"{what}: items");
        CollectionAssert.AreEqual(expected.Scores.Select(BitConverter.SingleToInt32Bits).ToArray(),
            actual.Scores.Select(BitConverter.SingleToInt32Bits).ToArray(), $"{what}: scores (bits)");
    }

    private static void AssertSameAsFp32(EmbeddingTable queries, EmbeddingTable items, float[]? biases, int k, string what, UserItemMatrix? exclude = null)
    {
        var expected = Fp32(queries, items, biases, k, exclude);
        var quantized = QuantizedItems.Build(items, biases);
        foreach (var kind in Kinds)
        {
            AssertBitIdentical(expected, QuantizedSearch.Search(queries, quantized, k, exclude, null, 1, kind), $"{what} {kind}");
            AssertBitIdentical(expected, QuantizedSearch.Search(queries, quantized, k, exclude, null, 2, kind), $"{what} {kind} 2 threads");
        }
    }

    private static EmbeddingTable Uniform(Random rng, int count, int dim, double scale = 1)
    {
        var v = new float[count * dim];
        for (int i = 0; i < v.Length; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return new EmbeddingTable(count, dim, v);
    }

    [TestMethod]
    public void EveryKernelIsTestedHere()
    {
        // This machine's CPU decides which SIMD kinds run; the portable one always does.
        CollectionAssert.Contains(Kinds.ToArray(), QuantizedKernelKind.Scalar);
        Assert.IsTrue(QuantizedKernels.IsSupported(QuantizedKernels.Best));
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) CollectionAssert.Contains(Kinds.ToArray(), QuantizedKernelKind.Vector512);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) CollectionAssert.Contains(Kinds.ToArray(), QuantizedKernelKind.Vector256);
    }

    [TestMethod]
    public void RandomDataGivesTheFp32TopKBitForBit()
    {
        // 150 queries = 2 full chunks + a partial one ending in a 6-query tile; 203 items leave 11 lanes in the last
        // panel; odd dimension 13 pads the last int16 pair; k from 1 to more than the items.
        var rng = new Random(3);
        var queries = Uniform(rng, 150, 13);
        var items = Uniform(rng, 203, 13);
        var biases = Enumerable.Range(0, 203).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        foreach (int k in new[] { 1, 10, 16, 203, 250 })
        {
            AssertSameAsFp32(queries, items, null, k, $"k={k}");
            AssertSameAsFp32(queries, items, biases, k, $"k={k} biases");
        }
        AssertSameAsFp32(Uniform(rng, 70, 64), Uniform(rng, 3000, 64), null, 10, "64-d");
    }

    [TestMethod]
    public void AdversarialDataGivesTheFp32TopKBitForBit()
    {
        var rng = new Random(5);
        // Many exact ties: integer vectors in -2..2, every item duplicated three times.
        var ints = new float[120 * 8];
        for (int i = 0; i < 40 * 8; i++) ints[i] = rng.Next(-2, 3);
        Array.Copy(ints, 0, ints, 40 * 8, 40 * 8);
        Array.Copy(ints, 0, ints, 80 * 8, 40 * 8);
        var tiedItems = new EmbeddingTable(120, 8, ints);
        var tiedQueries = new EmbeddingTable(40, 8, Enumerable.Range(0, 40 * 8).Select(_ => (float)rng.Next(-2, 3)).ToArray());
        AssertSameAsFp32(tiedQueries, tiedItems, null, 10, "ties");
        AssertSameAsFp32(tiedQueries, tiedItems, Enumerable.Range(0, 120).Select(i => (float)(i % 3)).ToArray(), 7, "ties + biases");

        // Near-ties: items differing from one another by a few ulps.
        var near = new float[100 * 16];
        for (int i = 0; i < 100; i++)
            for (int d = 0; d < 16; d++) near[i * 16 + d] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(0.3f + d * 0.01f) + rng.Next(-3, 4));
        var positive = new EmbeddingTable(20, 16, Uniform(rng, 20, 16).Values.Select(Math.Abs).ToArray());
        AssertSameAsFp32(positive, new EmbeddingTable(100, 16, near), null, 10, "near-ties");

        // Items over 12 orders of magnitude of norm, some beyond the quantized range (always re-scored), large biases.
        var wide = Uniform(rng, 300, 24);
        for (int i = 0; i < 300; i++)
        {
            double s = Math.Pow(10, rng.Next(-8, 9));
            if (i % 37 == 0) s = 1e18; // beyond MaxMagnitude
            if (i % 41 == 0) s = 1e-14; // below MinMagnitude
            if (i % 43 == 0) s = 0; // zero item
            for (int d = 0; d < 24; d++) wide.Values[i * 24 + d] *= (float)s;
        }
        var bigBiases = Enumerable.Range(0, 300).Select(i => i % 5 == 0 ? 1e9f * i : 0f).ToArray();
        AssertSameAsFp32(Uniform(rng, 33, 24, 1e3), wide, null, 10, "wide range");
        AssertSameAsFp32(Uniform(rng, 33, 24, 1e-3), wide, bigBiases, 10, "wide range + biases");

        // A zero query among ordinary ones: every item scores its bias; the ranking goes by bias then index.
        var withZero = Uniform(rng, 18, 24);
        withZero.Values.AsSpan(5 * 24, 24).Clear();
        AssertSameAsFp32(withZero, wide, bigBiases, 12, "zero query");
        AssertSameAsFp32(withZero, Uniform(rng, 9, 24), null, 20, "k > n");
        AssertSameAsFp32(Uniform(rng, 17, 1), Uniform(rng, 50, 1), null, 5, "dimension 1");
    }

    [TestMethod]
    public void ExclusionsAreHonoured()
    {
        var rng = new Random(11);
        var queries = Uniform(rng, 90, 20);
        var items = Uniform(rng, 500, 20);
        var rows = Enumerable.Range(0, 90).Select(q => Enumerable.Range(0, 500).Where(_ => rng.NextDouble() < 0.3).ToArray()).ToArray();
        var exclude = UserItemMatrix.FromRows(500, rows);
        AssertSameAsFp32(queries, items, null, 10, "exclusions", exclude);
        var r = QuantizedSearch.Search(queries, QuantizedItems.Build(items, null), 10, exclude, null, 1);
        for (int q = 0; q < 90; q++)
            foreach (int item in r.ItemsOf(q)) Assert.IsFalse(rows[q].Contains(item), $"query {q} got excluded item {item}");
    }

    [TestMethod]
    public void UpperBoundIsNeverBelowTheExactScoreAndIsTight()
    {
        var rng = new Random(13);
        foreach (var (dim, qScale, xScale) in new[] { (64, 1.0, 1.0), (13, 1e-6, 1e6), (32, 1e5, 1e-5), (7, 1.0, 1e3) })
        {
            var queries = Uniform(rng, 8, dim, qScale);
            var items = Uniform(rng, 400, dim, xScale);
            for (int i = 0; i < 400; i += 3) // per-item dynamic range inside one panel
                for (int d = 0; d < dim; d++) items.Values[i * dim + d] *= 1e-3f;
            var biases = Enumerable.Range(0, 400).Select(_ => (float)(rng.NextDouble() * qScale * xScale)).ToArray();
            var q = QuantizedItems.Build(items, biases);
            float[]? reference = null;
            foreach (var kind in Kinds)
            {
                var bounds = UpperBounds(kind, q, queries);
                reference ??= bounds;
                CollectionAssert.AreEqual(reference, bounds, $"{kind} gives other bounds than the first kind");
                for (int j = 0; j < 8; j++)
                    for (int i = 0; i < 400; i++)
                    {
                        float exact = IndexVectors.Score(queries.Row(j), items, biases, i);
                        float u = bounds[j * 400 + i];
                        Assert.IsTrue(u >= exact, $"dim {dim} query {j} item {i}: bound {u} < exact {exact}");
                        // Tight enough to prune: within 1e-3 of the score's magnitude scale ‖q‖ max‖x‖ + |b| (the bound's
                        // norm factors are the largest of the item's panel).
                        double panelNorm = Enumerable.Range(i / 16 * 16, Math.Min(16, 400 - i / 16 * 16)).Max(o => Norm(items.Row(o)));
                        double scale = Norm(queries.Row(j)) * panelNorm + Math.Abs(biases[i]);
                        Assert.IsTrue(u - exact <= 1e-3 * scale + 1e-30, $"dim {dim} query {j} item {i}: bound {u} is {u - exact} above exact {exact} (scale {scale})");
                    }
            }
        }
    }

    [TestMethod]
    public void IntegerKernelsAgreeWithALongIntegerDotProduct()
    {
        // Worst case for overflow: every component at ±L, the quantization level, for the largest dimension of a tile.
        var rng = new Random(17);
        int dim = 64, pairs = 32;
        short level = QuantizedItems.LevelFor(dim);
        Assert.IsTrue((long)2 * pairs * level * level <= int.MaxValue, "the level must keep the int32 sums exact");
        var items = new EmbeddingTable(16, dim, Enumerable.Range(0, 16 * dim).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray());
        var queries = new EmbeddingTable(8, dim, Enumerable.Range(0, 8 * dim).Select(i => i % 3 == 0 ? -1f : 1f).ToArray());
        var q = QuantizedItems.Build(items, null);
        var tile = new int[pairs * 8];
        QuantizedQueries.PackTile(queries.Values, 8, dim, pairs, level, tile, new float[8], new float[8], new float[8]);
        foreach (var kind in Kinds)
        {
            var dest = new int[8 * 16];
            var masks = new uint[8];
            var thresholds = Enumerable.Range(0, 8).Select(j => j == 0 ? int.MinValue : j == 1 ? int.MaxValue : 0).ToArray();
            uint any;
            fixed (int* t = tile, d = dest, th = thresholds) fixed (short* p = q.Values) fixed (uint* m = masks)
                any = QuantizedKernels.ScoreTile(kind, t, pairs, p, d, th, m);
            for (int j = 0; j < 8; j++)
            {
                uint expectedMask = 0;
                for (int l = 0; l < 16; l++) if (dest[j * 16 + l] > thresholds[j]) expectedMask |= 1u << l;
                Assert.AreEqual(expectedMask, masks[j], $"{kind} mask of query {j}");
            }
            Assert.AreEqual(masks.Aggregate(0u, (x, y) => x | y), any, $"{kind} OR of the masks");
            Assert.AreEqual(0xFFFFu, masks[0]);
            Assert.AreEqual(0u, masks[1]);
            for (int j = 0; j < 8; j++)
                for (int l = 0; l < 16; l++)
                {
                    long expected = 0;
                    for (int c = 0; c < dim; c++) expected += (long)Math.Sign(queries.Row(j)[c]) * level * Math.Sign(items.Row(l)[c]) * level;
                    Assert.AreEqual(expected, dest[j * 16 + l], $"{kind} query {j} item {l}");
                }
        }
    }

    [TestMethod]
    public void NaNItemsThrowAsInFp32()
    {
        var rng = new Random(19);
        var queries = Uniform(rng, 20, 6);
        var items = Uniform(rng, 40, 6);
        items.Values[17 * 6 + 2] = float.NaN;
        var fp32 = Assert.ThrowsExactly<InvalidDataException>(() => Fp32(queries, items, null, 5));
        foreach (var kind in Kinds)
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => QuantizedSearch.Search(queries, QuantizedItems.Build(items, null), 5, null, null, 1, kind));
            Assert.AreEqual(fp32.Message, e.Message, kind.ToString());
        }
        items.Values[17 * 6 + 2] = float.PositiveInfinity; // +∞ scores rank first, as in fp32
        AssertSameAsFp32(queries, items, null, 5, "infinite item");
    }

    [TestMethod]
    public void IndexAndStaticSearchGiveTheSameResultWithTheOptionOnOrOff()
    {
        var rng = new Random(23);
        var queries = Uniform(rng, 100, 32);
        var items = Uniform(rng, 1000, 32);
        var biases = Enumerable.Range(0, 1000).Select(_ => (float)rng.NextDouble()).ToArray();
        using var on = (ExactEmbeddingIndex)EmbeddingIndex.Build(items, biases);
        using var off = (ExactEmbeddingIndex)EmbeddingIndex.Build(items, biases, new EmbeddingIndexOptions { QuantizedFirstPass = false });
        Assert.IsTrue(on.QuantizedFirstPass);
        Assert.IsFalse(off.QuantizedFirstPass);
        var expected = off.Search(queries, 10);
        AssertBitIdentical(expected, on.Search(queries, 10), "index");
        // The static search quantizes per call, so only from MinQueriesToQuantize queries on.
        var many = Uniform(rng, ExactTopK.MinQueriesToQuantize + 3, 32);
        var manyExpected = off.Search(many, 10);
        AssertBitIdentical(manyExpected, ExactTopK.Search(many, items, 10, new TopKOptions { ItemBiases = biases }), "static, quantized");
        AssertBitIdentical(manyExpected, ExactTopK.Search(many, items, 10, new TopKOptions { ItemBiases = biases, QuantizedFirstPass = false }), "static, fp32");
        // A query the bound cannot cover (tiny components) sends the batch to fp32, with the same result.
        for (int d = 0; d < 32; d++) queries.Values[3 * 32 + d] *= 1e-20f;
        Assert.IsFalse(QuantizedQueries.AllInRange(queries));
        AssertBitIdentical(off.Search(queries, 10), on.Search(queries, 10), "fallback");
        using var cosine = EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { Metric = IndexMetric.Cosine });
        using var cosineOff = EmbeddingIndex.Build(items, null, new EmbeddingIndexOptions { Metric = IndexMetric.Cosine, QuantizedFirstPass = false });
        AssertBitIdentical(cosineOff.Search(queries, 10), cosine.Search(queries, 10), "cosine");
    }

    // U of every (query, item), [8 queries, items], through the search's kernels with a -∞ threshold.
    private static float[] UpperBounds(QuantizedKernelKind kind, QuantizedItems q, EmbeddingTable queries)
    {
        int pairs = q.Pairs, n = q.ItemCount;
        var tile = new int[pairs * 8];
        float[] scale = new float[8], norm = new float[8], error = new float[8];
        QuantizedQueries.PackTile(queries.Values, 8, queries.Dimension, pairs, q.Level, tile, scale, norm, error);
        var result = new float[8 * n];
        var acc = new int[8 * 16];
        var thresholds = Enumerable.Repeat(float.NegativeInfinity, 8).ToArray();
        var masks = new uint[8];
        var integerThresholds = new int[8];
        fixed (int* t = tile, a = acc, it = integerThresholds) fixed (short* v = q.Values) fixed (float* s = scale, nq = norm, e = error, th = thresholds, sc = q.Scales, off = q.Offsets)
        fixed (uint* m = masks)
            for (int p = 0; p < q.PanelCount; p++)
            {
                QuantizedKernels.ScoreTile(kind, t, pairs, v + (long)p * pairs * 32, a, it, m);
                QuantizedKernels.UpperBounds(kind, a, 8, s, nq, e, th, sc + p * 16, off + p * 16, q.NormCoefficients[p], q.ErrorCoefficients[p], m);
                for (int j = 0; j < 8; j++)
                    for (int l = 0; l < 16 && p * 16 + l < n; l++) result[j * n + p * 16 + l] = ((float*)a)[j * 16 + l];
            }
        return result;
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
