namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Min/max scaling of raw continuous slots to [0, 1] (clamped; a constant slot maps to 0), optionally followed by the
/// powers x² and √x of each scaled value. Output layout per row: <c>[x_0..x_{w−1}, x_0²..x_{w−1}², √x_0..√x_{w−1}]</c>.
/// </summary>
internal sealed class ContinuousScaler
{
    public ContinuousScaler(float[] minimum, float[] maximum, bool addPowers)
    {
        Minimum = minimum;
        Maximum = maximum;
        AddPowers = addPowers;
    }

    public float[] Minimum { get; }
    public float[] Maximum { get; }
    public bool AddPowers { get; }
    public int RawWidth => Minimum.Length;
    public int OutputWidth => RawWidth * (AddPowers ? 3 : 1);

    /// <summary>Learns the per-slot range of <paramref name="raw"/> (<c>[rows, width]</c>).</summary>
    public static ContinuousScaler Fit(float[] raw, int width, bool addPowers)
    {
        var min = new float[width];
        var max = new float[width];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        for (int j = 0; j < raw.Length; j++)
        {
            int s = j % width;
            min[s] = Math.Min(min[s], raw[j]);
            max[s] = Math.Max(max[s], raw[j]);
        }
        for (int s = 0; s < width; s++)
            if (float.IsPositiveInfinity(min[s])) min[s] = max[s] = 0;
        return new ContinuousScaler(min, max, addPowers);
    }

    /// <summary>Writes the scaled features of one raw row into <paramref name="output"/> (<see cref="OutputWidth"/> values).</summary>
    public void Transform(ReadOnlySpan<float> raw, Span<float> output)
    {
        int w = RawWidth;
        for (int s = 0; s < w; s++)
        {
            float range = Maximum[s] - Minimum[s];
            float x = range > 0 ? Math.Clamp((raw[s] - Minimum[s]) / range, 0f, 1f) : 0f;
            output[s] = x;
            if (!AddPowers) continue;
            output[w + s] = x * x;
            output[2 * w + s] = MathF.Sqrt(x);
        }
    }
}
