using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

[TestClass]
public sealed class WideAndDeepGradientTests
{
    // 6 rows: wide vector of 5 slots (sparse), two categorical columns with 3 and 2 keys (0 = unknown), 2 continuous slots.
    private static WideAndDeepExamples Examples() => new()
    {
        Count = 6,
        WideRowStart = [0, 2, 3, 5, 6, 6, 8],
        WideIndices = [0, 3, 1, 2, 4, 0, 1, 4],
        WideValues = [1f, 0.5f, 2f, 1f, -1f, 1.5f, 1f, 1f],
        CategoricalColumns = 2,
        Categorical = [1, 2, 3, 1, 2, 0, 1, 1, 0, 2, 3, 2],
        ContinuousSlots = 2,
        Continuous = [0.5f, -1f, 1.2f, 0.3f, -0.7f, 2f, 0f, 0.1f, 1.1f, -0.4f, -1.3f, 0.8f],
        Labels = [1f, 0f, 1f, 0f, 1f, 0f],
        Weights = [1f, 2f, 0.5f, 1f, 3f, 1f],
    };

    private static WideAndDeepInputs Inputs(WideAndDeepOptions options) =>
        WideAndDeepInputs.From(Schema(), options, requireLabel: false);

    private static DataViewSchema Schema()
    {
        var b = new DataViewSchema.Builder();
        b.AddColumn("Wide", new VectorDataViewType(NumberDataViewType.Single, 5));
        b.AddColumn("A", new KeyDataViewType(typeof(uint), 3));
        b.AddColumn("B", new KeyDataViewType(typeof(uint), 2));
        b.AddColumn("C", new VectorDataViewType(NumberDataViewType.Single, 2));
        return b.ToSchema();
    }

    private static WideAndDeepOptions Options() => new WideAndDeepOptions
    {
        CategoricalColumnNames = ["A", "B"],
        ContinuousColumnNames = ["C"],
        EmbeddingDimension = 3,
        HiddenLayers = [4, 3],
        Seed = 5,
    }.ValidatedCopy();

    [TestMethod]
    public void JointGradientMatchesFiniteDifferences()
    {
        var options = Options();
        var examples = Examples();
        var network = WideAndDeepEstimator.CreateNetwork(options, Inputs(options), examples);
        // Move every parameter off its initial value (FTRL starts at 0, unknown embedding rows at 0).
        var rng = new Random(3);
        foreach (var i in Enumerable.Range(0, 5)) network.Wide!.Weights[i] = (float)(rng.NextDouble() - 0.5);
        network.Bias[0] = 0.2f;
        foreach (var e in network.Deep!.Embeddings)
            for (int i = 0; i < e.Weights.Length; i++) e.Weights[i] = (float)(rng.NextDouble() - 0.5);
        int[] rows = [0, 1, 2, 3, 4, 5];

        network.ZeroGradients();
        network.ForwardBackward(examples, rows);
        var checks = new List<(string Name, float[] Values, int Index, float Analytic)>();
        for (int i = 0; i < 5; i++) checks.Add(($"wide[{i}]", network.Wide!.Weights, i, network.Wide.Gradient[i]));
        checks.Add(("bias", network.Bias, 0, network.BiasGradient[0]));
        for (int c = 0; c < 2; c++)
        {
            var g = network.Deep!.EmbeddingGradients[c]!;
            for (int s = 0; s < g.Rows.Length; s++)
                for (int d = 0; d < g.Dimension; d++)
                    checks.Add(($"embedding{c}[{g.Rows[s]},{d}]", network.Deep.Embeddings[c].Weights, g.Rows[s] * g.Dimension + d, g.Row(s)[d]));
        }
        foreach (var p in network.Deep!.Mlp.Parameters)
            for (int i = 0; i < p.Values.Length; i += 3) checks.Add((p.Name + $"[{i}]", p.Values, i, p.Gradient[i]));
        Assert.IsGreaterThan(40, checks.Count);

        const float eps = 1e-3f;
        foreach (var (name, values, index, analytic) in checks)
        {
            float saved = values[index];
            values[index] = saved + eps;
            double plus = Loss(network, examples, rows);
            values[index] = saved - eps;
            double minus = Loss(network, examples, rows);
            values[index] = saved;
            double numeric = (plus - minus) / (2 * eps);
            Assert.AreEqual(numeric, analytic, 2e-3 + 2e-2 * Math.Abs(numeric), $"∂L/∂{name}: numeric {numeric}, analytic {analytic}");
        }
    }

    private static double Loss(WideAndDeepNetwork network, WideAndDeepExamples examples, int[] rows)
    {
        var logits = new float[rows.Length];
        network.Forward(examples, rows, logits);
        return BinaryMetrics.LogLoss(logits, examples.Labels, examples.Weights)!.Value;
    }

    [TestMethod]
    public void WidePartTakesTheFtrlClosedFormStep()
    {
        // One row, wide slot 0 = 2, label 1, wide only, α = 0.1, β = 1, no regularisation, one step.
        // logit = 0 → ∂L/∂logit = σ(0) − 1 = −0.5; g_w = −0.5·2 = −1, g_bias = −0.5.
        // FTRL from z = n = 0: n = g², z = g, w = −z / ((β + √n)/α):
        //   w = 1 / ((1 + 1)/0.1) = 0.05;  bias = 0.5 / ((1 + 0.5)/0.1) = 1/30.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new WideRow { Wide = [2f, 0f], Label = true } });
        var model = ml.Recommenders().Trainers.WideAndDeep(new WideAndDeepOptions
        {
            Mode = WideAndDeepMode.WideOnly, FtrlAlpha = 0.1f, FtrlBeta = 1f, NumberOfEpochs = 1,
        }).Fit(data);
        Assert.AreEqual(0.05f, model.Parameters.WideWeights[0], 1e-6f);
        Assert.AreEqual(0f, model.Parameters.WideWeights[1]);
        Assert.AreEqual(1f / 30f, model.Parameters.Bias, 1e-6f);
        var score = ml.Data.CreateEnumerable<ScoreRow>(model.Transform(data), false).Single().Score;
        Assert.AreEqual(0.05f * 2 + 1f / 30f, score, 1e-6f);
    }

    [TestMethod]
    public void IntegerWeightsTrainLikeDuplicatedRows()
    {
        var ml = new MLContext(seed: 1);
        var weighted = SmallData.Rows(12, seed: 4).Select((r, i) => r with { Weight = 1 + i % 3 }).ToArray();
        var duplicated = weighted.SelectMany(r => Enumerable.Repeat(r with { Weight = 1 }, (int)r.Weight)).ToArray();
        // Full-batch, unshuffled, single-threaded: both see the same batch gradient at every step.
        WideAndDeepOptions Options() => SmallData.Options(o =>
        {
            o.ExampleWeightColumnName = "Weight";
            o.BatchSize = 1000;
            o.Shuffle = false;
            o.NumberOfEpochs = 5;
        });
        var a = SmallData.Fit(ml, weighted, Options());
        var b = SmallData.Fit(ml, duplicated, Options());
        Assert.AreEqual(a.Model.Parameters.Bias, b.Model.Parameters.Bias, 1e-5f);
        CollectionAssert.AreEqual(a.Model.Parameters.WideWeights.ToArray(), b.Model.Parameters.WideWeights.ToArray(), new Tolerance(1e-5f));
        for (int l = 0; l < a.Model.Parameters.LayerWeights.Count; l++)
            CollectionAssert.AreEqual(a.Model.Parameters.LayerWeights[l], b.Model.Parameters.LayerWeights[l], new Tolerance(1e-5f));
        CollectionAssert.AreEqual(a.Model.Parameters.Embeddings[0].Values, b.Model.Parameters.Embeddings[0].Values, new Tolerance(1e-5f));
        Assert.AreEqual(a.Model.TrainingHistory[^1].TrainingLoss, b.Model.TrainingHistory[^1].TrainingLoss, 1e-5);
    }

    private sealed class Tolerance(float delta) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= delta ? 0 : 1;
    }

    private sealed class WideRow
    {
        [VectorType(2)] public float[] Wide { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
