using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The gravity regularizer of Krichene et al. (2019), <c>R = λ·⟨UᵀU, VᵀV⟩_F / (n·m)</c> for a batch of n user
/// embeddings U (<c>[n, d]</c>) and m item embeddings V (<c>[m, d]</c>): the mean squared score over all n·m pairs,
/// computed in O((n + m)·d²) instead of O(n·m·d). It pushes scores of unobserved pairs towards 0.
/// Gradients: <c>∂R/∂U = 2λ/(n·m) · U·(VᵀV)</c>, <c>∂R/∂V = 2λ/(n·m) · V·(UᵀU)</c>.
/// </summary>
internal static class GravityRegularizer
{
    /// <summary>Returns R and ADDS its gradients to <paramref name="dU"/> and <paramref name="dV"/>.</summary>
    public static float Apply(ReadOnlySpan<float> u, int n, ReadOnlySpan<float> v, int m, int d, float weight,
        Span<float> dU, Span<float> dV, int threads = 0)
    {
        if (weight == 0 || n == 0 || m == 0) return 0f;
        var uu = new float[d * d];
        var vv = new float[d * d];
        Gemm.Multiply(true, false, d, d, n, 1f, u, u, 0f, uu, threads);
        Gemm.Multiply(true, false, d, d, m, 1f, v, v, 0f, vv, threads);
        double inner = 0;
        for (int j = 0; j < uu.Length; j++) inner += (double)uu[j] * vv[j];
        float scale = weight / ((float)n * m);
        Gemm.Multiply(false, false, n, d, d, 2f * scale, u, vv, 1f, dU, threads);
        Gemm.Multiply(false, false, m, d, d, 2f * scale, v, uu, 1f, dV, threads);
        return (float)(scale * inner);
    }
}
