namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Per-slot affine rescaling of continuous inputs, <c>x' = (x − Shift) · Scale</c>, learned once from the training
/// rows (mean/std or min/max; a slot without spread gets scale 1).
/// </summary>
internal static class ContinuousScaler
{
    /// <summary>Learns shift and scale for the <c>[rows, slots]</c> matrix <paramref name="values"/>.</summary>
    public static (float[] Shift, float[] Scale) Fit(float[] values, int rows, int slots, ContinuousNormalization mode)
    {
        var shift = new float[slots];
        var scale = new float[slots];
        for (int s = 0; s < slots; s++)
        {
            double a = 0, b = 0;
            if (mode == ContinuousNormalization.MeanVariance)
            {
                for (int r = 0; r < rows; r++) a += values[r * slots + s];
                double mean = a / rows;
                for (int r = 0; r < rows; r++) { double d = values[r * slots + s] - mean; b += d * d; }
                double std = Math.Sqrt(b / rows);
                shift[s] = (float)mean;
                scale[s] = std > 1e-12 ? (float)(1 / std) : 1f;
            }
            else
            {
                double min = double.MaxValue, max = double.MinValue;
                for (int r = 0; r < rows; r++) { double v = values[r * slots + s]; min = Math.Min(min, v); max = Math.Max(max, v); }
                shift[s] = (float)min;
                scale[s] = max - min > 1e-12 ? (float)(1 / (max - min)) : 1f;
            }
        }
        return (shift, scale);
    }
}
