using MLNetRecExtensions.Sessions;
using MLNetRecExtensions.Tests.Numerics;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class SessionLossTests
{
    private const int B = 3, M = 7;

    private static void CheckLoss(Gru4RecLoss loss, float bpreg, float[] offsets)
    {
        var scores = GradientCheck.Random(21, B * M, 2f, 0.05f);
        var gradient = new float[B * M];
        var work = new float[3 * M];
        double Loss() => SessionLosses.Compute(loss, B, M, scores, new float[B * M], bpreg, offsets, work);
        SessionLosses.Compute(loss, B, M, scores, gradient, bpreg, offsets, work);
        GradientCheck.AssertMatches(loss.ToString(), scores, gradient, Loss, step: 1e-3f);
        Assert.IsTrue(gradient.Any(g => Math.Abs(g) > 1e-3), "the gradient should not vanish on random scores");
    }

    [TestMethod] public void Top1MatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.Top1, 0, []);
    [TestMethod] public void BprMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.Bpr, 0, []);
    [TestMethod] public void Top1MaxMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.Top1Max, 0, []);
    [TestMethod] public void BprMaxMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.BprMax, 0, []);
    [TestMethod] public void BprMaxWithScoreRegularizationMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.BprMax, 0.7f, []);
    [TestMethod] public void CrossEntropyMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.CrossEntropy, 0, []);
    [TestMethod] public void CrossEntropyWithLogQMatchesFiniteDifferences() => CheckLoss(Gru4RecLoss.CrossEntropy, 0, GradientCheck.Random(22, M, 3f));

    /// <summary>
    /// Column weights stand for repeated columns: rows of 2 targets + 3 distinct samples with weights [1, 1, 2, 1, 3]
    /// must give the loss of the 9-column rows where each sample column is repeated that often, and each weighted
    /// column's gradient must be the sum of its copies' gradients (every loss, with bpreg and log-Q).
    /// </summary>
    [TestMethod]
    public void WeightedColumnsEqualRepeatedColumns()
    {
        const int b = 2, m = 5;
        float[] weights = [1, 1, 2, 1, 3];
        int[] copyOf = [0, 1, 2, 2, 3, 4, 4, 4];
        int wide = copyOf.Length;
        var scores = GradientCheck.Random(41, b * m, 2f, 0.05f);
        var offsets = GradientCheck.Random(42, m, 1f);
        var expanded = new float[b * wide];
        var expandedOffsets = new float[wide];
        for (int c = 0; c < wide; c++)
        {
            expandedOffsets[c] = offsets[copyOf[c]];
            for (int i = 0; i < b; i++) expanded[i * wide + c] = scores[i * m + copyOf[c]];
        }
        foreach (var loss in Enum.GetValues<Gru4RecLoss>())
        {
            float bpreg = loss == Gru4RecLoss.BprMax ? 0.7f : 0f;
            float[] off = loss == Gru4RecLoss.CrossEntropy ? offsets : [], expOff = loss == Gru4RecLoss.CrossEntropy ? expandedOffsets : [];
            var g = new float[b * m];
            var gWide = new float[b * wide];
            double weighted = SessionLosses.Compute(loss, b, m, scores, g, bpreg, off, new float[3 * m], weights);
            double plain = SessionLosses.Compute(loss, b, wide, expanded, gWide, bpreg, expOff, new float[3 * wide]);
            Assert.AreEqual(plain, weighted, 1e-5 * Math.Max(1, Math.Abs(plain)), $"{loss} loss");
            Assert.IsGreaterThan(1e-3, Math.Abs(plain), $"{loss}: the loss should not vanish");
            for (int i = 0; i < b; i++)
                for (int j = 0; j < m; j++)
                {
                    double sum = 0;
                    for (int c = 0; c < wide; c++) if (copyOf[c] == j) sum += gWide[i * wide + c];
                    Assert.AreEqual(sum, g[i * m + j], 1e-5, $"{loss} gradient [{i}, {j}]");
                }
        }
    }

    [TestMethod] public void WeightedTop1MaxMatchesFiniteDifferences() => CheckWeighted(Gru4RecLoss.Top1Max, 0);
    [TestMethod] public void WeightedBprMaxMatchesFiniteDifferences() => CheckWeighted(Gru4RecLoss.BprMax, 0.7f);
    [TestMethod] public void WeightedCrossEntropyMatchesFiniteDifferences() => CheckWeighted(Gru4RecLoss.CrossEntropy, 0);
    [TestMethod] public void WeightedBprMatchesFiniteDifferences() => CheckWeighted(Gru4RecLoss.Bpr, 0);
    [TestMethod] public void WeightedTop1MatchesFiniteDifferences() => CheckWeighted(Gru4RecLoss.Top1, 0);

    private static void CheckWeighted(Gru4RecLoss loss, float bpreg)
    {
        float[] weights = [1, 1, 1, 2, 1, 4, 1];
        var scores = GradientCheck.Random(23, B * M, 2f, 0.05f);
        var gradient = new float[B * M];
        var work = new float[3 * M];
        double Loss() => SessionLosses.Compute(loss, B, M, scores, new float[B * M], bpreg, [], work, weights);
        SessionLosses.Compute(loss, B, M, scores, gradient, bpreg, [], work, weights);
        GradientCheck.AssertMatches("weighted " + loss, scores, gradient, Loss, step: 1e-3f);
    }

    [TestMethod]
    public void HandComputedValuesOfTwoCandidates()
    {
        // Row 0 of [[2, 0], [0, 1]]: target 2, one negative 0.
        float[] scores = [2f, 0f, 0f, 1f];
        var g = new float[4];
        var work = new float[6];
        // BPR: −log σ(2 − 0) = log(1 + e^−2) = 0.126928; row 1: −log σ(1 − 0) = 0.313262.
        Assert.AreEqual(0.126928 + 0.313262, SessionLosses.Compute(Gru4RecLoss.Bpr, 2, 2, scores, g, 0, [], work), 1e-5);
        // Cross-entropy: row 0 −log(e²/(e² + 1)) = 0.126928; row 1 −log(e/(1 + e)) = 0.313262 (same numbers, 2 candidates).
        Assert.AreEqual(0.126928 + 0.313262, SessionLosses.Compute(Gru4RecLoss.CrossEntropy, 2, 2, scores, g, 0, [], work), 1e-5);
        // log-Q: subtracting log Q = [ln 2, 0] from row 0 gives −log(e^(2−ln2)/(e^(2−ln2) + 1)) = log(1 + 2e^−2);
        // row 1: −log(e/(e^−ln2 + e)) = log(1 + e^−(1 + ln2)).
        float ln2 = MathF.Log(2);
        Assert.AreEqual(Math.Log(1 + 2 * Math.Exp(-2)) + Math.Log(1 + Math.Exp(-(1 + ln2))), SessionLosses.Compute(Gru4RecLoss.CrossEntropy, 2, 2, scores, g, 0, [ln2, 0f], work), 1e-5);
        // BPR-max with one negative: softmax weight 1, so it is BPR plus λ·r_j²: row 0 λ·0, row 1 λ·0 (negatives score 0).
        Assert.AreEqual(0.126928 + 0.313262, SessionLosses.Compute(Gru4RecLoss.BprMax, 2, 2, scores, g, 0.5f, [], work), 1e-5);
        // TOP1 with one negative, row 0: σ(0 − 2) + σ(0) = 0.119203 + 0.5; row 1: σ(0 − 1) + σ(0) = 0.268941 + 0.5.
        Assert.AreEqual(0.619203 + 0.768941, SessionLosses.Compute(Gru4RecLoss.Top1, 2, 2, scores, g, 0, [], work), 1e-5);
    }

    [TestMethod]
    public void MaxLossesFollowTheHardestNegative()
    {
        // One easy negative (−5) and one hard one (3) against a target of 2: BPR-max's gradient goes almost all to the hard one,
        // while BPR spreads it by σ.
        float[] scores = [2f, 3f, -5f];
        var g = new float[3];
        SessionLosses.Compute(Gru4RecLoss.BprMax, 1, 3, scores, g, 0, [], new float[9]);
        Assert.IsGreaterThan(100 * Math.Abs(g[2]), Math.Abs(g[1]), $"hard {g[1]} vs easy {g[2]}");
    }

    [TestMethod]
    public void ActivationBackwardMatchesFiniteDifferences()
    {
        foreach (var kind in new[] { Gru4RecFinalActivation.Elu, Gru4RecFinalActivation.Tanh, Gru4RecFinalActivation.Linear })
        {
            var x = GradientCheck.Random(31, 12, 2f, 0.05f);
            var w = GradientCheck.Random(32, 12);
            double Loss()
            {
                var y = x.ToArray();
                ScoreActivation.Forward(kind, 0.5f, y);
                return GradientCheck.Project(y, w);
            }
            var y0 = x.ToArray();
            ScoreActivation.Forward(kind, 0.5f, y0);
            var g = w.ToArray();
            ScoreActivation.Backward(kind, 0.5f, y0, g);
            GradientCheck.AssertMatches(kind.ToString(), x, g, Loss);
        }
    }
}
