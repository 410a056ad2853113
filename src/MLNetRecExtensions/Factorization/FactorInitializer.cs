namespace MLNetRecExtensions.Factorization;

/// <summary>Seeded initial factor values: independent normal draws (Box–Muller on <see cref="Random"/>).</summary>
internal static class FactorInitializer
{
    /// <summary>Returns <paramref name="count"/> draws from N(0, <paramref name="std"/>²), in order, from <paramref name="random"/>.</summary>
    public static float[] Normal(Random random, int count, double std)
    {
        var values = new float[count];
        for (int k = 0; k < count; k += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double radius = std * Math.Sqrt(-2.0 * Math.Log(u1));
            values[k] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (k + 1 < count) values[k + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
        return values;
    }
}
