using System.Numerics.Tensors;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>The single-row tower evaluation shared by <see cref="UserTowerScorer"/> and <see cref="ItemTowerScorer"/>:
/// the MLP parameters taken from a trained tower, categorical fields copied into the input row, and the MLP run with the
/// optional cosine normalization.</summary>
internal static class TowerRow
{
    /// <summary>Copies of the MLP's widths <c>[L + 1]</c>, weights and biases; without an MLP (the identity tower) zero
    /// layers and the single width <paramref name="identityWidth"/>.</summary>
    public static (int[] Widths, float[][] Weights, float[][] Biases) MlpParameters(Mlp? mlp, int identityWidth)
    {
        var layers = mlp?.Layers ?? [];
        int[] widths = mlp != null ? [.. layers.Select(l => l.InputSize), mlp.OutputSize] : [identityWidth];
        return (widths, layers.Select(l => (float[])l.Weights.Values.Clone()).ToArray(), layers.Select(l => (float[])l.Bias.Values.Clone()).ToArray());
    }

    /// <summary>Copies categorical field f's row <c>categoricals[f]</c> of <paramref name="tables"/>[f] (d values each)
    /// into <paramref name="input"/> from position <paramref name="at"/>; a missing (−1, absent) or out-of-range value
    /// leaves its slot zero. Returns the position after the last field.</summary>
    public static int AddCategoricals(float[][] tables, int[] counts, ReadOnlySpan<int> categoricals, int d, Span<float> input, int at)
    {
        for (int f = 0; f < tables.Length; f++)
        {
            int k = f < categoricals.Length ? categoricals[f] : -1;
            if ((uint)k < (uint)counts[f]) tables[f].AsSpan(k * d, d).CopyTo(input.Slice(at, d));
            at += d;
        }
        return at;
    }

    /// <summary>Runs the MLP on the input row <paramref name="a"/> (<paramref name="b"/> is scratch of the same length)
    /// and writes the output, scaled to unit length when <paramref name="cosine"/> (a zero output stays zero).</summary>
    public static void Finish(int[] widths, float[][] weights, float[][] biases, float[] a, float[] b, bool cosine, Span<float> output)
    {
        var result = RowMlp.Forward(widths, weights, biases, a, b);
        if (cosine)
        {
            float norm = MathF.Sqrt(TensorPrimitives.Dot<float>(result, result));
            if (norm > 0) TensorPrimitives.Divide(result, norm, result);
        }
        result.CopyTo(output);
    }
}
