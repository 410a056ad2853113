namespace MLNetRecExtensions.Numerics;

/// <summary>
/// FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches", Algorithm 1) with
/// per-coordinate learning rates. State per coordinate: <c>z</c> and <c>n</c> (sum of squared gradients). A step with
/// gradient g at the current weight w does <c>σ = (√(n + g²) − √n)/α; z += g − σ·w; n += g²</c>, then sets the weight
/// it implies: <c>w = 0</c> if <c>|z| ≤ λ1</c>, else <c>w = −(z − sign(z)·λ1) / ((β + √n)/α + λ2)</c>.
/// The weights passed to <see cref="Optimizer.Step"/> must be the ones this optimizer last wrote (start from zeros).
/// </summary>
public sealed class FtrlOptimizer : Optimizer
{
    private readonly float[] _z;
    private readonly float[] _n;

    /// <summary>Creates FTRL-Proximal for <paramref name="length"/> parameters.</summary>
    /// <param name="length">Parameter count.</param>
    /// <param name="alpha">Learning-rate scale α, &gt; 0.</param>
    /// <param name="beta">Learning-rate smoothing β, ≥ 0 (1 in the paper).</param>
    /// <param name="l1">L1 strength λ1, ≥ 0 (makes weights exactly 0).</param>
    /// <param name="l2">L2 strength λ2, ≥ 0.</param>
    public FtrlOptimizer(int length, float alpha, float beta = 1f, float l1 = 0f, float l2 = 0f) : base(length)
    {
        RequirePositive(alpha, nameof(alpha));
        if (!(beta >= 0f)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "'beta' must be ≥ 0.");
        if (!(l1 >= 0f)) throw new ArgumentOutOfRangeException(nameof(l1), l1, "'l1' must be ≥ 0.");
        if (!(l2 >= 0f)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "'l2' must be ≥ 0.");
        Alpha = alpha;
        Beta = beta;
        L1 = l1;
        L2 = l2;
        _z = new float[length];
        _n = new float[length];
    }

    /// <summary>α.</summary>
    public float Alpha { get; }
    /// <summary>β.</summary>
    public float Beta { get; }
    /// <summary>λ1.</summary>
    public float L1 { get; }
    /// <summary>λ2.</summary>
    public float L2 { get; }

    /// <summary>The weight coordinate <paramref name="index"/> implied by the current state (see the type summary).</summary>
    public float Weight(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Length, nameof(index));
        return ImpliedWeight(_z[index], _n[index]);
    }

    /// <summary>Writes all implied weights into <paramref name="destination"/> (<see cref="Optimizer.Length"/> values).</summary>
    public void GetWeights(Span<float> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentOutOfRangeException(nameof(destination), destination.Length, $"Expected {Length} values.");
        for (int i = 0; i < Length; i++) destination[i] = ImpliedWeight(_z[i], _n[i]);
    }

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset)
    {
        var z = _z.AsSpan(stateOffset, weights.Length);
        var n = _n.AsSpan(stateOffset, weights.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            float g = gradient[i];
            float nNew = n[i] + g * g;
            float sigma = (MathF.Sqrt(nNew) - MathF.Sqrt(n[i])) / Alpha;
            z[i] += g - sigma * weights[i];
            n[i] = nNew;
            weights[i] = ImpliedWeight(z[i], nNew);
        }
    }

    private float ImpliedWeight(float z, float n)
        => MathF.Abs(z) <= L1 ? 0f : -(z - MathF.Sign(z) * L1) / ((Beta + MathF.Sqrt(n)) / Alpha + L2);
}
