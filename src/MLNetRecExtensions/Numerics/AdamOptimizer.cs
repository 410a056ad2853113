namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with bias correction: at step t, <c>m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
/// w −= lr·(m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)</c>. Under <see cref="Optimizer.StepRows"/> it is the lazy (sparse)
/// variant: t advances once per call, and only the touched rows' moments are decayed and updated.
/// </summary>
public sealed class AdamOptimizer : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;
    private float _stepScale;
    private float _vCorrection;

    /// <summary>Creates Adam for <paramref name="length"/> parameters.</summary>
    /// <param name="length">Parameter count.</param>
    /// <param name="learningRate">Step size, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the root of the second moment, &gt; 0.</param>
    public AdamOptimizer(int length, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : base(length)
    {
        RequirePositive(learningRate, nameof(learningRate));
        RequireUnitInterval(beta1, nameof(beta1));
        RequireUnitInterval(beta2, nameof(beta2));
        RequirePositive(epsilon, nameof(epsilon));
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _m = new float[length];
        _v = new float[length];
    }

    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }
    /// <summary>First-moment decay β1.</summary>
    public float Beta1 { get; }
    /// <summary>Second-moment decay β2.</summary>
    public float Beta2 { get; }
    /// <summary>Added to the root of the corrected second moment.</summary>
    public float Epsilon { get; }
    /// <summary>Steps taken so far (calls of Step or StepRows).</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    protected override void OnStepStarted()
    {
        StepCount++;
        _stepScale = LearningRate / (float)(1 - Math.Pow(Beta1, StepCount));
        _vCorrection = (float)(1 - Math.Pow(Beta2, StepCount));
    }

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset)
    {
        var m = _m.AsSpan(stateOffset, weights.Length);
        var v = _v.AsSpan(stateOffset, weights.Length);
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && weights.Length >= System.Numerics.Vector<float>.Count)
        {
            // The same operations in the same order per lane (no fused multiply-add), so bit-identical to the scalar loop.
            var b1 = new System.Numerics.Vector<float>(Beta1);
            var b2 = new System.Numerics.Vector<float>(Beta2);
            var c1 = new System.Numerics.Vector<float>(1f - Beta1);
            var c2 = new System.Numerics.Vector<float>(1f - Beta2);
            var scale = new System.Numerics.Vector<float>(_stepScale);
            var correction = new System.Numerics.Vector<float>(_vCorrection);
            var eps = new System.Numerics.Vector<float>(Epsilon);
            int w = System.Numerics.Vector<float>.Count;
            for (; i <= weights.Length - w; i += w)
            {
                var g = new System.Numerics.Vector<float>(gradient.Slice(i, w));
                var mi = b1 * new System.Numerics.Vector<float>(m.Slice(i, w)) + c1 * g;
                var vi = b2 * new System.Numerics.Vector<float>(v.Slice(i, w)) + c2 * g * g;
                mi.CopyTo(m.Slice(i, w));
                vi.CopyTo(v.Slice(i, w));
                var wi = new System.Numerics.Vector<float>(weights.Slice(i, w)) - scale * mi / (System.Numerics.Vector.SquareRoot(vi / correction) + eps);
                wi.CopyTo(weights.Slice(i, w));
            }
        }
        for (; i < weights.Length; i++)
        {
            float g = gradient[i];
            m[i] = Beta1 * m[i] + (1f - Beta1) * g;
            v[i] = Beta2 * v[i] + (1f - Beta2) * g * g;
            weights[i] -= _stepScale * m[i] / (MathF.Sqrt(v[i] / _vCorrection) + Epsilon);
        }
    }
}
