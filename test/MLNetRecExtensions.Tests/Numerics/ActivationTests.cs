using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class ActivationTests
{
    private delegate void Forward(ReadOnlySpan<float> x, Span<float> y);
    private delegate void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    [TestMethod]
    public void ForwardValuesMatchHandComputedOnes()
    {
        float[] x = [-2f, 0f, 1.5f];
        var y = new float[3];
        Activations.ReluForward(x, y);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 1.5f }, y);
        Activations.SigmoidForward(x, y);
        Assert.AreEqual(1 / (1 + Math.Exp(2)), y[0], 1e-6); // σ(−2) = 0.119203
        Assert.AreEqual(0.5f, y[1], 1e-7);
        Activations.TanhForward(x, y);
        Assert.AreEqual(Math.Tanh(1.5), y[2], 1e-6); // 0.905148
    }

    [TestMethod]
    public void ReluBackwardMatchesFiniteDifferences() => CheckGradient("relu", Activations.ReluForward, Activations.ReluBackward);

    [TestMethod]
    public void SigmoidBackwardMatchesFiniteDifferences() => CheckGradient("sigmoid", Activations.SigmoidForward, Activations.SigmoidBackward);

    [TestMethod]
    public void TanhBackwardMatchesFiniteDifferences() => CheckGradient("tanh", Activations.TanhForward, Activations.TanhBackward);

    [TestMethod]
    public void BackwardWorksInPlace()
    {
        float[] y = [0.5f, 0.25f];
        float[] d = [2f, 4f];
        Activations.SigmoidBackward(y, d, d);
        // 2·0.5·0.5 = 0.5; 4·0.25·0.75 = 0.75
        CollectionAssert.AreEqual(new[] { 0.5f, 0.75f }, d);
    }

    private static void CheckGradient(string name, Forward forward, Backward backward)
    {
        // 37 values: exercises both the vector loop and the scalar tail; |x| ≥ 0.05 keeps ReLU away from its kink.
        var x = GradientCheck.Random(1, 37, scale: 3f, minMagnitude: 0.05f);
        var w = GradientCheck.Random(2, 37);
        var y = new float[x.Length];
        forward(x, y);
        var dx = new float[x.Length];
        backward(y, w, dx);
        GradientCheck.AssertMatches(name, x, dx, () =>
        {
            var output = new float[x.Length];
            forward(x, output);
            return GradientCheck.Project(output, w);
        });
    }
}
