using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// The single-row forward pass of a trained MLP used by the portable scorers (Wide &amp; Deep, the two-tower user
/// tower): per layer l, <c>y = b_l + Σ_i x_i · W_l[i, ·]</c> with <c>W_l</c> <c>[in, out]</c> row-major (inputs equal to
/// 0 are skipped), ReLU on every layer but the last. The summation order is fixed, so a model scores bit for bit the
/// same before and after saving, on any thread.
/// </summary>
internal static class RowMlp
{
    /// <summary>Runs the layers on <paramref name="a"/>'s prefix of width <c>widths[0]</c>; returns the output (a prefix of
    /// <paramref name="a"/> or <paramref name="b"/>). Both buffers must hold the widest layer.</summary>
    public static Span<float> Forward(IReadOnlyList<int> widths, IReadOnlyList<float[]> weights, IReadOnlyList<float[]> biases,
        Span<float> a, Span<float> b)
    {
        Span<float> x = a, y = b;
        for (int l = 0; l < weights.Count; l++)
        {
            int inWidth = widths[l], outWidth = widths[l + 1];
            var w = weights[l];
            var output = y[..outWidth];
            biases[l].CopyTo(output);
            for (int i = 0; i < inWidth; i++)
                if (x[i] != 0f) TensorPrimitives.MultiplyAdd(w.AsSpan(i * outWidth, outWidth), x[i], output, output);
            if (l < weights.Count - 1) TensorPrimitives.Max(output, 0f, output);
            var t = x;
            x = y;
            y = t;
        }
        return x[..widths[^1]];
    }
}
