using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Tests.Ranking;
using MLNetRecExtensions.Tests.TwoTower;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.Onnx;

/// <summary>
/// Every exported ONNX graph, run through ONNX Runtime, reproduces our transformer's outputs on the same rows within
/// 1e-5: matrix factorization (explicit and implicit), the two-tower user tower (ID, history, categorical and
/// continuous inputs with powers) and item embeddings, Wide &amp; Deep (wide, embeddings, normalized continuous).
/// </summary>
[TestClass]
public sealed class OnnxExportTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MatrixFactorizationOnnxScoresEqualTheTransformer(bool implicitFeedback)
    {
        var ml = new MLContext(1);
        var random = new Random(4);
        // LoadFromEnumerable stores a [KeyType] property's value v as key v + 1.
        var rows = Enumerable.Range(0, 500).Select(_ => new KeyRow { UserId = (uint)random.Next(30), ItemId = (uint)random.Next(20), Label = 1 + random.Next(5) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = implicitFeedback
            ? ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 6, NumberOfIterations = 4 }).Fit(data)
            : ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { ApproximationRank = 6, NumberOfThreads = 1 }).Fit(data);
        var probe = rows.Take(40).ToArray();
        var expected = model.Transform(ml.Data.LoadFromEnumerable(probe)).GetColumn<float>("Score").ToArray();
        var bytes = Export(model.ExportToOnnx);
        var actual = Run(bytes, "Score",
            Long("UserKey", probe.Select(r => (long)r.UserId + 1).ToArray()), Long("ItemKey", probe.Select(r => (long)r.ItemId + 1).ToArray()));
        AssertClose(expected, actual);
        // Key 0 (unknown user / item) scores with the documented fallbacks, as Score(−1, i) / Score(u, −1) do.
        var unknown = Run(bytes, "Score", Long("UserKey", [0, 5]), Long("ItemKey", [3, 0]));
        AssertClose([model.Score(-1, 2), model.Score(4, -1)], unknown);
    }

    [TestMethod]
    public void TwoTowerUserTowerAndItemEmbeddingsMatchTheTypedApi()
    {
        var ml = new MLContext(1);
        var view = TwoTowerTestData.View(ml, TwoTowerTestData.FeatureRows());
        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
        {
            EmbeddingDimension = 4, NumberOfEpochs = 2, BatchSize = 4,
            CategoricalColumnNames = ["Occupation"], ContinuousColumnNames = ["Age"],
            ItemCategoricalColumnNames = ["Kind"], ItemContinuousColumnNames = ["Flags"],
        }).Fit(view);
        var rows = TwoTowerTestData.FeatureRows();
        var expected = model.ComputeUserEmbeddings(view);
        // Known users without a history column pool their training items: pass them, padded with key 0.
        var histories = rows.Select(r => rows.Where(o => o.UserId == r.UserId).Select(o => (long)o.ItemId + 1).ToArray()).ToArray();
        int length = histories.Max(h => h.Length);
        var padded = histories.SelectMany(h => h.Concat(Enumerable.Repeat(0L, length - h.Length))).ToArray();
        int n = rows.Length;
        var actual = Run(Export(model.ExportUserTowerToOnnx), "UserEmbedding",
            Long("User", rows.Select(r => (long)r.UserId + 1).ToArray()),
            NamedOnnxValue.CreateFromTensor("History", new DenseTensor<long>(padded, [n, length])),
            NamedOnnxValue.CreateFromTensor("Categorical", new DenseTensor<long>(rows.Select(r => (long)r.Occupation + 1).ToArray(), [n, 1])),
            NamedOnnxValue.CreateFromTensor("Continuous", new DenseTensor<float>(rows.Select(r => r.Age).ToArray(), [n, 1])));
        AssertClose(expected.Values, actual);

        // A new user (key 0, no history) equals ComputeUserEmbedding of its features.
        var cold = model.ComputeUserEmbedding(new TwoTowerUserFeatures { Categoricals = [1], Continuous = [33f] });
        var coldOnnx = Run(Export(model.ExportUserTowerToOnnx), "UserEmbedding", Long("User", [0]),
            NamedOnnxValue.CreateFromTensor("History", new DenseTensor<long>(new long[] { 0 }, [1, 1])),
            NamedOnnxValue.CreateFromTensor("Categorical", new DenseTensor<long>(new long[] { 2 }, [1, 1])),
            NamedOnnxValue.CreateFromTensor("Continuous", new DenseTensor<float>(new[] { 33f }, [1, 1])));
        AssertClose(cold, coldOnnx);

        var items = Enumerable.Range(0, model.ItemEmbeddings.Count + 1).Select(k => (long)k).ToArray();
        var itemOnnx = Run(Export(model.ExportItemTowerToOnnx), "ItemEmbedding", Long("Item", items));
        AssertClose([.. new float[model.Dimension], .. model.ItemEmbeddings.Values], itemOnnx);
    }

    [TestMethod]
    public void WideAndDeepOnnxScoresAndProbabilitiesEqualTheTransformer()
    {
        var ml = new MLContext(1);
        var (keys, model, _) = SmallData.Fit(ml, SmallData.Rows(200, seed: 1), SmallData.Options());
        var rows = SmallData.Rows(30, seed: 2);
        var scored = model.Transform(keys.Transform(ml.Data.LoadFromEnumerable(rows)));
        var colors = scored.GetColumn<uint>("ColorKey").Select(k => (long)k).ToArray();
        int n = rows.Length;
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("Wide", new DenseTensor<float>(rows.SelectMany(r => r.Wide).ToArray(), [n, 3])),
            NamedOnnxValue.CreateFromTensor("Categorical", new DenseTensor<long>(colors, [n, 1])),
            NamedOnnxValue.CreateFromTensor("Continuous", new DenseTensor<float>(rows.Select(r => r.Size).ToArray(), [n, 1])),
        };
        var bytes = Export(model.ExportToOnnx);
        AssertClose(scored.GetColumn<float>("Score").ToArray(), Run(bytes, "Score", inputs));
        AssertClose(scored.GetColumn<float>("Probability").ToArray(), Run(bytes, "Probability", inputs));
    }

    private sealed class KeyRow
    {
        [KeyType(30)] public uint UserId { get; set; }
        [KeyType(20)] public uint ItemId { get; set; }
        public float Label { get; set; }
    }

    internal static byte[] Export(Action<Stream> export)
    {
        using var stream = new MemoryStream();
        export(stream);
        return stream.ToArray();
    }

    private static NamedOnnxValue Long(string name, long[] values) => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(values, [values.Length]));

    internal static float[] Run(byte[] model, string output, params NamedOnnxValue[] inputs)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run(inputs, [output]);
        return results.Single().AsTensor<float>().ToArray();
    }

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual)
    {
        Assert.AreEqual(expected.Count, actual.Count, "output length");
        for (int i = 0; i < expected.Count; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5f, $"value {i}: ours {expected[i]} vs ONNX Runtime {actual[i]}");
    }
}
