namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Per-slot affine rescaling of continuous inputs, <c>x' = (x − Shift) · Scale</c>, learned once from the training
/// rows with their example weights (weighted mean/std, so a row of weight 2 counts like two rows; or min/max over
/// rows of positive weight); a slot without spread gets scale 1.
/// </summary>
internal static class ContinuousScaler
{
    /// <summary>Learns shift and scale for the <c>[rows, slots]</c> matrix <paramref name="values"/> with one weight per row.</summary>
    public static (float[] Shift, float[] Scale) Fit(float[] values, float[] weights, int rows, int slots, ContinuousNormalization mode)
    {
        var shift = new float[slots];
        var scale = new float[slots];
        for (int s = 0; s < slots; s++)
        {
            double a = 0, b = 0;
            if (mode == ContinuousNormalization.MeanVariance)
            {
                double total = 0;
                for (int r = 0; r < rows; r++) { a += weights[r] * (double)values[r * slots + s]; total += weights[r]; }
                double mean = total > 0 ? a / total : 0;
                for (int r = 0; r < rows; r++) { double d = values[r * slots + s] - mean; b += weights[r] * d * d; }
                double std = total > 0 ? Math.Sqrt(b / total) : 0;
                shift[s] = (float)mean;
                scale[s] = std > 1e-12 ? (float)(1 / std) : 1f;
            }
            else
            {
                double min = double.MaxValue, max = double.MinValue;
                for (int r = 0; r < rows; r++)
                {
                    if (!(weights[r] > 0)) continue;
                    double v = values[r * slots + s];
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
                if (min > max) min = max = 0;
                shift[s] = (float)min;
                scale[s] = max - min > 1e-12 ? (float)(1 / (max - min)) : 1f;
            }
        }
        return (shift, scale);
    }
}
