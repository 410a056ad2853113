using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Features;

namespace MLNetRecExtensions.Tests.Features;

[TestClass]
public sealed class CrossProductTests
{
    internal sealed class Row
    {
        public string A { get; set; } = "";
        public string B { get; set; } = "";
        public float F { get; set; }
        public string[] G { get; set; } = [];
        // LoadFromEnumerable stores key-typed value v as key v + 1, so U = 0 is key 1 (no key is missing here).
        [KeyType(5)] public uint U { get; set; }
    }

    private static Row R(string a, string b, float f = 0, string[]? g = null, uint u = 0) =>
        new() { A = a, B = b, F = f, G = g ?? [], U = u };

    private static CrossProductOptions Options(CrossOutputKind kind, int bits, params CrossColumn[] crosses) =>
        new() { Crosses = crosses, HashBits = bits, OutputKind = kind };

    private static uint[] Keys(IDataView view, string column) => view.GetColumn<uint>(column).ToArray();

    private static uint[][] KeyVectors(IDataView view, string column) =>
        view.GetColumn<VBuffer<uint>>(column).Select(v => v.DenseValues().ToArray()).ToArray();

    private static (int Index, float Value)[][] Sparse(IDataView view, string column) =>
        view.GetColumn<VBuffer<float>>(column).Select(v => v.Items().Where(p => p.Value != 0).Select(p => (p.Key, p.Value)).ToArray()).ToArray();

    [TestMethod]
    public void ScalarCrossHashesTheOrderedTupleAndIsMissingWhenAnyValueIsMissing()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { R("a", "b"), R("b", "a"), R("a", "b"), R("a", ""), R("", "b") });
        var options = Options(CrossOutputKind.Key, 16, new CrossColumn("AB", "A", "B"), new CrossColumn("BA", "B", "A"));
        var output = ml.Recommenders().Transforms.CrossProduct(options).Fit(data).Transform(data);
        var ab = Keys(output, "AB");
        var ba = Keys(output, "BA");

        Assert.AreEqual(ab[0], ab[2], "the same tuple (a, b) falls into the same bucket");
        Assert.AreNotEqual(ab[0], ab[1], "(a, b) and (b, a) are different tuples: input order matters");
        Assert.AreEqual(ab[1], ba[0], "row 1 crossed as (A, B) is the tuple (b, a), as is row 0 crossed as (B, A)");
        Assert.AreEqual(0u, ab[3], "a missing (empty) value makes the cross missing");
        Assert.AreEqual(0u, ab[4]);
        Assert.IsTrue(ab.Take(3).All(k => k is >= 1 and <= 1u << 16));
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 1UL << 16), output.Schema["AB"].Type);

        // Another context and another fit give the same buckets; another seed moves them.
        var again = new MLContext(99).Recommenders().Transforms.CrossProduct(options).Fit(data).Transform(data);
        CollectionAssert.AreEqual(ab, Keys(again, "AB"));
        options.Seed = 7;
        var reseeded = Keys(ml.Recommenders().Transforms.CrossProduct(options).Fit(data).Transform(data), "AB");
        Assert.AreNotEqual(ab[0], reseeded[0]);
        Assert.AreEqual(reseeded[0], reseeded[2]);
    }

    [TestMethod]
    public void KeysCrossByTheirValueTextAndNumbersByTheirInvariantText()
    {
        var ml = new MLContext(1);
        Row[] rows = [R("a", "x", 1.5f), R("b", "y", 2f), R("c", "x", 1.5f), R("b", "y", 0.25f)];
        IDataView Keyed(IEnumerable<Row> r)
        {
            var view = ml.Data.LoadFromEnumerable(r);
            return ml.Transforms.Conversion.MapValueToKey("KA", "A").Append(ml.Transforms.Conversion.MapValueToKey("KB", "B"))
                .Append(ml.Transforms.Conversion.MapValueToKey("KF", "F")).Fit(view).Transform(view);
        }
        var forward = Keyed(rows);
        var backward = Keyed(rows.Reverse());
        Assert.AreNotEqual(Keys(forward, "KA")[0], Keys(backward, "KA")[3], "the two key mappings number 'a' differently");

        var options = Options(CrossOutputKind.Key, 20,
            new CrossColumn("Keys", "KA", "KB"), new CrossColumn("Texts", "A", "B"),
            new CrossColumn("Number", "F", "B"), new CrossColumn("NumberKey", "KF", "B"));
        var estimator = ml.Recommenders().Transforms.CrossProduct(options);
        var f = estimator.Fit(forward).Transform(forward);
        var b = estimator.Fit(backward).Transform(backward);
        CollectionAssert.AreEqual(Keys(f, "Keys"), Keys(b, "Keys").Reverse().ToArray(), "same values, same bucket, whatever the key numbering");
        CollectionAssert.AreEqual(Keys(f, "Texts"), Keys(f, "Keys"), "a key column crosses exactly like the text it was mapped from");
        CollectionAssert.AreEqual(Keys(f, "Number"), Keys(f, "NumberKey"), "numeric key values cross like the numbers");

        // 1.5f is the category "1.5" (invariant culture): crossing F with B equals crossing the text "1.5" with B.
        var texts = ml.Data.LoadFromEnumerable(new[] { R("1.5", "x"), R("2", "y"), R("1.5", "x"), R("0.25", "y") });
        var fromText = ml.Recommenders().Transforms.CrossProduct(Options(CrossOutputKind.Key, 20, new CrossColumn("Number", "A", "B")))
            .Fit(texts).Transform(texts);
        CollectionAssert.AreEqual(Keys(fromText, "Number"), Keys(f, "Number"));
    }

    [TestMethod]
    public void KeysWithoutKeyValuesCrossByKeyNumber()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { R("", "x", u: 1), R("", "x", u: 2), R("", "x", u: 1), R("", "y", u: 1) });
        Assert.IsNull(data.Schema["U"].Annotations.Schema.GetColumnOrNull("KeyValues"));
        var keys = Keys(ml.Recommenders().Transforms.CrossProduct(Options(CrossOutputKind.Key, 16, new CrossColumn("UB", "U", "B")))
            .Fit(data).Transform(data), "UB");
        Assert.AreEqual(keys[0], keys[2]);
        Assert.AreEqual(4, keys.Distinct().Count() + 1, "rows 0 and 2 share a bucket; (1,x), (2,x), (1,y) are three buckets");
        Assert.IsFalse(keys.Contains(0u));
    }

    [TestMethod]
    public void DistinctBucketsOfManyCombinationsMatchTheBallsInBinsExpectation()
    {
        // n = 100 × 100 distinct (A, B) pairs hashed into m = 2^16 buckets. With a uniform hash the number of
        // occupied buckets has mean m(1 − q1) and variance m q1 + m(m − 1) q2 − m² q1², with q1 = (1 − 1/m)^n,
        // q2 = (1 − 2/m)^n: mean ≈ 9274.6, sd ≈ 25.
        var ml = new MLContext(1);
        var rows = from a in Enumerable.Range(0, 100) from b in Enumerable.Range(0, 100) select R($"user{a}", $"genre{b}");
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = Keys(ml.Recommenders().Transforms.CrossProduct(Options(CrossOutputKind.Key, 16, new CrossColumn("AB", "A", "B")))
            .Fit(data).Transform(data), "AB");
        double m = 1 << 16, n = keys.Length;
        double q1 = Math.Pow(1 - 1 / m, n), q2 = Math.Pow(1 - 2 / m, n);
        double mean = m * (1 - q1);
        double sd = Math.Sqrt(m * q1 + m * (m - 1) * q2 - m * m * q1 * q1);
        int occupied = keys.Distinct().Count();
        Console.WriteLine($"occupied buckets {occupied}, expected {mean:F1} ± {sd:F1}");
        Assert.AreEqual(mean, occupied, 4 * sd, $"occupied {occupied}, expected {mean:F1} ± {sd:F1}");
        // Both halves of the key space are used (a poorly mixed hash of structured input would cluster).
        Assert.AreEqual(0.5, keys.Count(k => k > m / 2) / n, 0.03);
    }

    [TestMethod]
    public void VectorInputsCrossEveryElementCombination()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            R("m", "", g: ["x", "y"]), R("m", "", g: ["x"]), R("m", "", g: ["y"]), R("m", "", g: []),
            R("", "", g: ["x", "y"]), R("m", "", g: ["x", "x", ""]),
        });
        var options = Options(CrossOutputKind.Both, 12, new CrossColumn("GA", "G", "A"));
        var output = ml.Recommenders().Transforms.CrossProduct(options).Fit(data).Transform(data);
        var keys = KeyVectors(output, "GA");
        uint xm = keys[1].Single(), ym = keys[2].Single();
        Assert.AreNotEqual(xm, ym);
        CollectionAssert.AreEqual(new[] { xm, ym }, keys[0], "{x, y} × {m} = {(x, m), (y, m)}");
        Assert.AreEqual(0, keys[3].Length, "an empty bag crosses to nothing");
        Assert.AreEqual(0, keys[4].Length, "a missing scalar crosses to nothing");
        CollectionAssert.AreEqual(new[] { xm }, keys[5], "duplicates and missing elements are dropped");

        var indicator = Sparse(output, "GAIndicator");
        CollectionAssert.AreEqual(new[] { ((int)xm - 1, 1f), ((int)ym - 1, 1f) }, indicator[0].OrderBy(p => p.Index).ToArray());
        Assert.AreEqual(0, indicator[3].Length);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1 << 12), output.Schema["GAIndicator"].Type);
        Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 1 << 12)), output.Schema["GA"].Type);
    }

    [TestMethod]
    public void ThreeWayVectorCrossChainsThePairwiseProducts()
    {
        // {x, y} × {m} × {z} = {(x, m, z), (y, m, z)}; the row with {x} alone gives (x, m, z), one of them; the
        // two-way cross G × A of the same row falls elsewhere.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { R("m", "z", g: ["x", "y"]), R("m", "z", g: ["x"]) });
        var options = Options(CrossOutputKind.Key, 20, new CrossColumn("GAB", "G", "A", "B"), new CrossColumn("GA", "G", "A"));
        var output = ml.Recommenders().Transforms.CrossProduct(options).Fit(data).Transform(data);
        var three = KeyVectors(output, "GAB");
        Assert.AreEqual(2, three[0].Distinct().Count());
        Assert.AreEqual(three[1].Single(), three[0][0]);
        Assert.AreNotEqual(KeyVectors(output, "GA")[1].Single(), three[1].Single());
    }

    [TestMethod]
    public void ScalarIndicatorIsOneHotAtTheKeyAndEmptyWhenMissing()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { R("a", "b"), R("a", "") });
        var output = ml.Recommenders().Transforms.CrossProduct(Options(CrossOutputKind.Both, 10, new CrossColumn("AB", "A", "B")))
            .Fit(data).Transform(data);
        var key = Keys(output, "AB");
        var indicator = output.GetColumn<VBuffer<float>>("ABIndicator").ToArray();
        Assert.IsFalse(indicator[0].IsDense, "the indicator is a sparse VBuffer");
        CollectionAssert.AreEqual(new[] { ((int)key[0] - 1, 1f) }, Sparse(output, "ABIndicator")[0]);
        Assert.AreEqual(0, Sparse(output, "ABIndicator")[1].Length);
        Assert.AreEqual(1024, indicator[1].Length);
    }

    [TestMethod]
    public void CrossesLetALinearModelLearnAPureInteraction()
    {
        // label = parity(a) XOR parity(b): every value of A alone (and of B alone) is positive half the time, so a
        // linear model on one-hot A and B can do no better than chance; the A × B cross makes it separable.
        var ml = new MLContext(1);
        IDataView Sample(int seed, int count)
        {
            var random = new Random(seed);
            var rows = Enumerable.Range(0, count).Select(_ =>
            {
                int a = random.Next(10), b = random.Next(10);
                return new LabeledRow { A = $"a{a}", B = $"b{b}", Label = (a % 2) != (b % 2) };
            }).ToArray();
            return ml.Data.LoadFromEnumerable(rows);
        }
        var train = Sample(1, 2000);
        var test = Sample(2, 1000);
        double Auc(bool withCross)
        {
            var features = withCross ? new[] { "OA", "OB", "AxB" } : new[] { "OA", "OB" };
            var pipeline = ml.Transforms.Categorical.OneHotEncoding("OA", "A")
                .Append(ml.Transforms.Categorical.OneHotEncoding("OB", "B"))
                .Append(ml.Recommenders().Transforms.CrossProduct("AxB", ["A", "B"], hashBits: 12))
                .Append(ml.Transforms.Concatenate("Features", features))
                .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                    new Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 50 }));
            var model = pipeline.Fit(train);
            return ml.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
        }
        double without = Auc(false), with = Auc(true);
        Console.WriteLine($"test AUC without cross {without:F4}, with cross {with:F4}");
        Assert.IsLessThan(0.6, without, $"AUC without cross {without:F3}");
        Assert.IsGreaterThan(0.95, with, $"AUC with cross {with:F3}");
        Assert.IsGreaterThan(0.3, with - without);
    }

    private sealed class LabeledRow
    {
        public string A { get; set; } = "";
        public string B { get; set; } = "";
        public bool Label { get; set; }
    }
}
