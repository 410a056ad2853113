using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Tests.Numerics;

[TestClass]
public sealed class AdamVectorizedTests
{
    // 37 values: whole vectors and a scalar tail. The vector loop must round exactly like the scalar formula.
    [TestMethod]
    public void VectorizedStepsAreBitIdenticalToTheScalarFormula()
    {
        const int n = 37;
        var rng = new Random(3);
        var w = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var expected = (float[])w.Clone();
        var m = new float[n];
        var v = new float[n];
        var adam = new AdamOptimizer(n, 0.01f);
        for (int t = 1; t <= 5; t++)
        {
            var g = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            adam.Step(w, g);
            float scale = 0.01f / (float)(1 - Math.Pow(0.9f, t));
            float correction = (float)(1 - Math.Pow(0.999f, t));
            for (int i = 0; i < n; i++)
            {
                m[i] = 0.9f * m[i] + (1f - 0.9f) * g[i];
                v[i] = 0.999f * v[i] + (1f - 0.999f) * g[i] * g[i];
                expected[i] -= scale * m[i] / (MathF.Sqrt(v[i] / correction) + 1e-8f);
            }
        }
        CollectionAssert.AreEqual(expected, w);
    }
}
