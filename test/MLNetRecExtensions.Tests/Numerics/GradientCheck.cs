namespace MLNetRecExtensions.Tests.Numerics;

/// <summary>
/// Finite-difference checks: a scalar loss of float parameters is differentiated by central differences
/// (step 1e-3, loss accumulated in double) and compared with the analytic gradient within
/// <c>1e-3 + 1e-2·max(|numeric|, |analytic|)</c> — far above the float round-off (~1e-5 here), far below any real bug.
/// </summary>
internal static class GradientCheck
{
    public static void AssertMatches(string what, float[] parameters, ReadOnlySpan<float> analytic, Func<double> loss, float step = 1e-3f)
    {
        Assert.AreEqual(parameters.Length, analytic.Length, $"{what}: gradient length");
        for (int i = 0; i < parameters.Length; i++)
        {
            float saved = parameters[i];
            float plus = saved + step, minus = saved - step;
            parameters[i] = plus;
            double lossPlus = loss();
            parameters[i] = minus;
            double lossMinus = loss();
            parameters[i] = saved;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            double tolerance = 1e-3 + 1e-2 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
            Assert.AreEqual(numeric, analytic[i], tolerance, $"{what}[{i}]: numeric {numeric:G6} vs analytic {analytic[i]:G6}");
        }
    }

    /// <summary>Σ weights[i]·values[i] in double: a scalar loss whose gradient with respect to values is weights.</summary>
    public static double Project(ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += (double)values[i] * weights[i];
        return sum;
    }

    /// <summary>Uniform values in ±scale whose magnitude is at least <paramref name="minMagnitude"/> (to stay off kinks).</summary>
    public static float[] Random(int seed, int length, float scale = 1f, float minMagnitude = 0f)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float magnitude = minMagnitude + (float)rng.NextDouble() * (scale - minMagnitude);
            values[i] = rng.Next(2) == 0 ? magnitude : -magnitude;
        }
        return values;
    }
}
