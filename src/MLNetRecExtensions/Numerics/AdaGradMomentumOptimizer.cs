namespace MLNetRecExtensions.Numerics;

/// <summary>
/// AdaGrad with momentum, the optimizer of the official GRU4Rec implementations: per coordinate
/// <c>G += g²; v = μ·v − lr·g / √(G + ε); w += v</c> (μ = 0 gives plain AdaGrad with ε inside the root). G and v
/// start at 0. Under <see cref="Optimizer.StepRows"/> only the touched rows' accumulators and velocities change
/// (the official sparse update of embedding tables).
/// </summary>
public sealed class AdaGradMomentumOptimizer : Optimizer
{
    private readonly float[] _accumulator;
    private readonly float[] _velocity;

    /// <summary>Creates the optimizer for <paramref name="length"/> parameters.</summary>
    /// <param name="length">Parameter count.</param>
    /// <param name="learningRate">Step size, &gt; 0.</param>
    /// <param name="momentum">Momentum μ in [0, 1).</param>
    /// <param name="epsilon">Added to G inside the root, &gt; 0 (official default 1e-6).</param>
    public AdaGradMomentumOptimizer(int length, float learningRate, float momentum = 0f, float epsilon = 1e-6f) : base(length)
    {
        RequirePositive(learningRate, nameof(learningRate));
        RequireUnitInterval(momentum, nameof(momentum));
        RequirePositive(epsilon, nameof(epsilon));
        LearningRate = learningRate;
        Momentum = momentum;
        Epsilon = epsilon;
        _accumulator = new float[length];
        _velocity = new float[length];
    }

    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>Momentum μ.</summary>
    public float Momentum { get; }

    /// <summary>Added to the accumulator inside the root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset)
    {
        var acc = _accumulator.AsSpan(stateOffset, weights.Length);
        var vel = _velocity.AsSpan(stateOffset, weights.Length);
        float lr = LearningRate, mu = Momentum, eps = Epsilon;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            // Same operations in the same order as the scalar loop (no fused multiply-add): identical results.
            var vlr = new System.Numerics.Vector<float>(lr);
            var vmu = new System.Numerics.Vector<float>(mu);
            var veps = new System.Numerics.Vector<float>(eps);
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= weights.Length - width; i += width)
            {
                var g = new System.Numerics.Vector<float>(gradient[i..]);
                var a = new System.Numerics.Vector<float>(acc[i..]) + g * g;
                a.CopyTo(acc[i..]);
                var v = vmu * new System.Numerics.Vector<float>(vel[i..]) - vlr * g / System.Numerics.Vector.SquareRoot(a + veps);
                v.CopyTo(vel[i..]);
                (new System.Numerics.Vector<float>(weights[i..]) + v).CopyTo(weights[i..]);
            }
        }
        for (; i < weights.Length; i++)
        {
            float g = gradient[i];
            float a = acc[i] + g * g;
            acc[i] = a;
            float v = mu * vel[i] - lr * g / MathF.Sqrt(a + eps);
            vel[i] = v;
            weights[i] += v;
        }
    }
}
