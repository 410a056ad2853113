using MLNetRecExtensions.Sessions;
using MLNetRecExtensions.Tests.Numerics;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class GruLayerGradientTests
{
    private const int Batch = 3, Input = 4, Hidden = 5;

    // L = Σ w ⊙ h' for a fixed random w: ∂L/∂h' = w, so the backward pass must reproduce the finite differences
    // of L with respect to every weight, bias, input and previous state.
    private static (GruLayer Layer, float[] X, float[] H, float[] W) Setup(int oneHotItems)
    {
        var layer = new GruLayer(Input, Hidden, oneHotItems, Batch, threads: 1);
        GradientCheck.Random(1, layer.InputWeights.Length, 0.8f).CopyTo(layer.InputWeights, 0);
        GradientCheck.Random(2, layer.HiddenWeights.Length, 0.8f).CopyTo(layer.HiddenWeights, 0);
        GradientCheck.Random(3, layer.InputBias.Length, 0.5f).CopyTo(layer.InputBias, 0);
        GradientCheck.Random(4, layer.HiddenBias.Length, 0.5f).CopyTo(layer.HiddenBias, 0);
        return (layer, GradientCheck.Random(5, Batch * Input), GradientCheck.Random(6, Batch * Hidden, 0.9f), GradientCheck.Random(7, Batch * Hidden));
    }

    [TestMethod]
    public void DenseCellMatchesFiniteDifferencesForEveryGateInBothDirections()
    {
        var (layer, x, h, w) = Setup(0);
        var output = new float[Batch * Hidden];
        double Loss()
        {
            layer.Forward(Batch, x, h, output);
            return GradientCheck.Project(output, w);
        }
        Loss();
        var dx = new float[Batch * Input];
        var dh = new float[Batch * Hidden];
        layer.ZeroGradients();
        layer.Backward(w, dx, dh);
        // Input direction (W_ir | W_iz | W_in, biases) and hidden direction (W_hr | W_hz | W_hn, biases): each
        // weight array holds the three gate blocks side by side, so every gate of both directions is checked.
        GradientCheck.AssertMatches("W_ih [r|z|n]", layer.InputWeights, layer.InputWeightGradient.ToArray(), Loss);
        GradientCheck.AssertMatches("W_hh [r|z|n]", layer.HiddenWeights, layer.HiddenWeightGradient.ToArray(), Loss);
        GradientCheck.AssertMatches("b_ih [r|z|n]", layer.InputBias, layer.InputBiasGradient.ToArray(), Loss);
        GradientCheck.AssertMatches("b_hh [r|z|n]", layer.HiddenBias, layer.HiddenBiasGradient.ToArray(), Loss);
        GradientCheck.AssertMatches("x", x, dx, Loss);
        GradientCheck.AssertMatches("h", h, dh, Loss);
        // Every gate block actually receives gradient (a dead gate would pass a check of zeros against zeros only if broken).
        for (int gate = 0; gate < 3; gate++)
        {
            Assert.IsTrue(Enumerable.Range(0, Hidden).Any(j => Math.Abs(layer.HiddenBiasGradient[gate * Hidden + j]) > 1e-4), $"hidden gate {gate} gets no gradient");
            Assert.IsTrue(Enumerable.Range(0, Hidden).Any(j => Math.Abs(layer.InputBiasGradient[gate * Hidden + j]) > 1e-4), $"input gate {gate} gets no gradient");
        }
    }

    [TestMethod]
    public void OneHotCellMatchesFiniteDifferencesOnTheTouchedItemRows()
    {
        const int items = 6;
        var (layer, _, h, w) = Setup(items);
        int[] inputs = [4, 1, 4];
        var output = new float[Batch * Hidden];
        double Loss()
        {
            layer.Forward(Batch, inputs, h, output);
            return GradientCheck.Project(output, w);
        }
        Loss();
        layer.ZeroGradients();
        layer.Backward(w, Span<float>.Empty, Span<float>.Empty);
        var rows = layer.InputRowGradient!;
        var dense = new float[layer.InputWeights.Length];
        int width = 3 * Hidden;
        foreach (int r in rows.Rows) rows.Peek(r).CopyTo(dense.AsSpan(r * width, width));
        // Item 4 appears twice: its row gradient is the sum of both rows' contributions; untouched items get 0.
        GradientCheck.AssertMatches("item table", layer.InputWeights, dense, Loss);
        CollectionAssert.AreEquivalent(new[] { 4, 1 }, rows.Rows.ToArray());
        GradientCheck.AssertMatches("W_hh", layer.HiddenWeights, layer.HiddenWeightGradient.ToArray(), Loss);
    }

    [TestMethod]
    public void ZeroStateAndZeroWeightsGiveTheHandComputedState()
    {
        // With all weights 0 and biases 0: r = z = σ(0) = 0.5, n = tanh(0) = 0, h' = (1 − z)·n + z·h = 0.5·h.
        var layer = new GruLayer(2, 2, 0, 1, 1);
        var output = new float[2];
        layer.Forward(1, new float[] { 1f, -1f }, new float[] { 0.4f, -0.8f }, output);
        CollectionAssert.AreEqual(new[] { 0.2f, -0.4f }, output);
    }
}
