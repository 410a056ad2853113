using System.Numerics.Tensors;

namespace MLNetRecExtensions.Factorization;

/// <summary>Input checks and the implicit row solve shared by fold-in and <see cref="MatrixFactorizationUpdate"/>.</summary>
internal static class FoldInRows
{
    /// <summary>
    /// Validates and merges one row's columns: sorted distinct indices with their values summed (implicit strengths,
    /// 1 each when <paramref name="values"/> is empty or <paramref name="ignoreValues"/>) or averaged (explicit ratings, required).
    /// </summary>
    public static (int[] Columns, float[] Values) Merge(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int count, string what,
        bool isExplicit, bool ignoreValues)
    {
        if (values.Length != 0 && values.Length != indices.Length)
            throw new ArgumentException($"Got {indices.Length} {what}s but {values.Length} ratings; pass one rating per {what}, or none.", nameof(values));
        if (isExplicit && values.Length == 0 && indices.Length > 0)
            throw new ArgumentException($"An explicit (rating) model needs one rating per {what}.", nameof(values));
        var keys = indices.ToArray();
        var vals = new float[keys.Length];
        for (int k = 0; k < keys.Length; k++)
        {
            if ((uint)keys[k] >= (uint)count)
                throw new ArgumentOutOfRangeException(what + "s", keys[k], $"Position {k}: {what} index {keys[k]} is outside [0, {count}) (0-based: key − 1); fold unknown {what}s in first.");
            float v = values.Length == 0 ? 1f : values[k];
            if (!float.IsFinite(v) || (!isExplicit && v < 0))
                throw new ArgumentOutOfRangeException("ratings", v, $"Position {k}: rating {v} must be finite{(isExplicit ? "" : " and ≥ 0 (implicit strength)")}.");
            vals[k] = ignoreValues ? 1f : v;
        }
        Array.Sort(keys, vals);
        int n = 0;
        var counts = new int[keys.Length];
        for (int k = 0; k < keys.Length; k++)
        {
            if (n > 0 && keys[n - 1] == keys[k])
            {
                vals[n - 1] += vals[k];
                counts[n - 1]++;
                continue;
            }
            keys[n] = keys[k];
            vals[n] = vals[k];
            counts[n] = 1;
            n++;
        }
        if (isExplicit)
            for (int k = 0; k < n; k++) vals[k] /= counts[k];
        return (keys[..n], vals[..n]);
    }

    /// <summary>
    /// The exact weighted-ALS row solve (Cholesky) of one row from its merged strengths; <paramref name="x"/> starts at
    /// zero and stays zero when the system is singular.
    /// </summary>
    public static void SolveImplicit(int[] columns, float[] strengths, float[] fixedFactors, GramianTerms terms, FactorizationSettings settings, Span<float> x)
    {
        var confidence = new float[strengths.Length];
        for (int k = 0; k < confidence.Length; k++) confidence[k] = settings.Confidence(strengths[k]);
        var als = settings.ToWeightedAls(1);
        WeightedAls.SolveRowCholesky(columns, confidence, fixedFactors, terms.Rank, terms, als, x, new RowWorkspace(terms.Rank));
        if (settings.NonNegative) TensorPrimitives.Max(x, 0f, x);
    }
}
