using System.Numerics.Tensors;

namespace MLNetRecExtensions.Features;

/// <summary>
/// The one preparation of continuous inputs shared by the two-tower and Wide &amp; Deep models. Per raw slot s it
/// learns an affine map <c>x' = (x − Shift[s]) · Scale[s]</c> from the training rows — weighted mean/std
/// (<see cref="ContinuousNormalization.MeanVariance"/>) or min/max over rows of positive weight
/// (<see cref="ContinuousNormalization.MinMax"/>); a slot without spread gets scale 1 — then optionally clamps x' to
/// [0, 1], appends the powers x'² and sign(x')·√|x'| (the YouTube paper's treatment of example age, which lets the
/// network form super- and sub-linear functions of a feature), and appends a one-hot bucket indicator per slot
/// (boundaries at the training quantiles of the raw value).
/// Output layout of one row, for w raw slots: <c>[x'_0..x'_{w−1}]</c>, then with powers <c>[x'_0²..]</c> and
/// <c>[√x'_0..]</c>, then per slot its <see cref="Buckets"/> indicators.
/// </summary>
internal sealed class ContinuousScaler
{
    public ContinuousScaler(float[] shift, float[] scale, bool clamp, bool addPowers, float[][] bucketBoundaries)
    {
        Shift = shift;
        Scale = scale;
        Clamp = clamp;
        AddPowers = addPowers;
        BucketBoundaries = bucketBoundaries;
        Buckets = bucketBoundaries.Length == 0 ? 0 : bucketBoundaries[0].Length + 1;
    }

    /// <summary>Per-slot shift.</summary>
    public float[] Shift { get; }
    /// <summary>Per-slot scale.</summary>
    public float[] Scale { get; }
    /// <summary>Whether scaled values are clamped to [0, 1].</summary>
    public bool Clamp { get; }
    /// <summary>Whether x'² and sign(x')·√|x'| are appended.</summary>
    public bool AddPowers { get; }
    /// <summary>Per slot, the ascending raw-value boundaries between buckets (<see cref="Buckets"/> − 1 each); empty: no buckets.</summary>
    public float[][] BucketBoundaries { get; }
    /// <summary>Buckets per slot (0 = none).</summary>
    public int Buckets { get; }
    /// <summary>Raw slots.</summary>
    public int RawWidth => Shift.Length;
    /// <summary>Output values per row.</summary>
    public int OutputWidth => RawWidth * (AddPowers ? 3 : 1) + RawWidth * Buckets;

    /// <summary>
    /// Learns the map from <paramref name="values"/> (<c>[rows, slots]</c> row-major) with optional per-row
    /// <paramref name="weights"/> (empty = every row weighs 1).
    /// </summary>
    /// <param name="values">Raw values, <c>[rows, slots]</c>.</param>
    /// <param name="slots">Raw slots per row.</param>
    /// <param name="mode">Mean/variance or min/max.</param>
    /// <param name="weights">Empty, or one non-negative weight per row.</param>
    /// <param name="clamp">Clamp scaled values to [0, 1].</param>
    /// <param name="addPowers">Append x'² and sign(x')·√|x'|.</param>
    /// <param name="buckets">Buckets per slot (0 or ≥ 2): boundaries at the training quantiles.</param>
    public static ContinuousScaler Fit(ReadOnlySpan<float> values, int slots, ContinuousNormalization mode, ReadOnlySpan<float> weights = default,
        bool clamp = false, bool addPowers = false, int buckets = 0)
    {
        int rows = slots == 0 ? 0 : values.Length / slots;
        var shift = new float[slots];
        var scale = new float[slots];
        for (int s = 0; s < slots; s++)
        {
            if (mode == ContinuousNormalization.MeanVariance)
            {
                double a = 0, total = 0, b = 0;
                for (int r = 0; r < rows; r++) { double w = Weight(weights, r); a += w * values[r * slots + s]; total += w; }
                double mean = total > 0 ? a / total : 0;
                for (int r = 0; r < rows; r++) { double d = values[r * slots + s] - mean; b += Weight(weights, r) * d * d; }
                double std = total > 0 ? Math.Sqrt(b / total) : 0;
                shift[s] = (float)mean;
                scale[s] = std > 1e-12 ? (float)(1 / std) : 1f;
            }
            else
            {
                double min = double.MaxValue, max = double.MinValue;
                for (int r = 0; r < rows; r++)
                {
                    if (!(Weight(weights, r) > 0)) continue;
                    double v = values[r * slots + s];
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
                if (min > max) min = max = 0;
                shift[s] = (float)min;
                scale[s] = max - min > 1e-12 ? (float)(1 / (max - min)) : 1f;
            }
        }
        var bounds = new float[buckets >= 2 ? slots : 0][];
        for (int s = 0; s < bounds.Length; s++) bounds[s] = Quantiles(values, rows, slots, s, buckets);
        return new ContinuousScaler(shift, scale, clamp, addPowers, bounds);
    }

    /// <summary>Writes the prepared features of one raw row into <paramref name="output"/> (<see cref="OutputWidth"/> values).</summary>
    public void Transform(ReadOnlySpan<float> raw, Span<float> output)
    {
        int w = RawWidth;
        var scaled = output[..w];
        TensorPrimitives.Subtract(raw[..w], Shift, scaled);
        TensorPrimitives.Multiply(scaled, Scale, scaled);
        if (Clamp) TensorPrimitives.Clamp(scaled, 0f, 1f, scaled);
        int at = w;
        if (AddPowers)
        {
            for (int s = 0; s < w; s++)
            {
                float x = scaled[s];
                output[w + s] = x * x;
                output[2 * w + s] = x >= 0 ? MathF.Sqrt(x) : -MathF.Sqrt(-x);
            }
            at = 3 * w;
        }
        if (Buckets == 0) return;
        var indicators = output.Slice(at, w * Buckets);
        indicators.Clear();
        for (int s = 0; s < w; s++)
        {
            int bucket = 0;
            var b = BucketBoundaries[s];
            while (bucket < b.Length && raw[s] >= b[bucket]) bucket++;
            indicators[s * Buckets + bucket] = 1f;
        }
    }

    private static double Weight(ReadOnlySpan<float> weights, int row) => weights.IsEmpty ? 1.0 : weights[row];

    private static float[] Quantiles(ReadOnlySpan<float> values, int rows, int slots, int slot, int buckets)
    {
        var column = new float[rows];
        for (int r = 0; r < rows; r++) column[r] = values[r * slots + slot];
        Array.Sort(column);
        var bounds = new float[buckets - 1];
        for (int q = 1; q < buckets; q++) bounds[q - 1] = rows == 0 ? 0f : column[Math.Min(rows - 1, (int)((long)q * rows / buckets))];
        return bounds;
    }
}
