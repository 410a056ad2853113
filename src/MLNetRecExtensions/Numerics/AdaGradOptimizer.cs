namespace MLNetRecExtensions.Numerics;

/// <summary>
/// AdaGrad (Duchi et al. 2011): <c>G += g²; w −= lr·g / (√G + ε)</c> per coordinate, with G starting at
/// <c>initialAccumulator</c> (TensorFlow's default 0.1 keeps the first steps bounded).
/// </summary>
public sealed class AdaGradOptimizer : Optimizer
{
    private readonly float[] _accumulator;

    /// <summary>Creates AdaGrad for <paramref name="length"/> parameters.</summary>
    /// <param name="length">Parameter count.</param>
    /// <param name="learningRate">Step size, &gt; 0.</param>
    /// <param name="initialAccumulator">Starting value of G, ≥ 0.</param>
    /// <param name="epsilon">Added to √G, &gt; 0.</param>
    public AdaGradOptimizer(int length, float learningRate, float initialAccumulator = 0.1f, float epsilon = 1e-7f) : base(length)
    {
        RequirePositive(learningRate, nameof(learningRate));
        RequirePositive(epsilon, nameof(epsilon));
        if (!(initialAccumulator >= 0f)) throw new ArgumentOutOfRangeException(nameof(initialAccumulator), initialAccumulator, "Must be ≥ 0.");
        LearningRate = learningRate;
        Epsilon = epsilon;
        _accumulator = new float[length];
        Array.Fill(_accumulator, initialAccumulator);
    }

    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>Added to the root of the accumulator.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset)
    {
        var acc = _accumulator.AsSpan(stateOffset, weights.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            float g = gradient[i];
            acc[i] += g * g;
            weights[i] -= LearningRate * g / (MathF.Sqrt(acc[i]) + Epsilon);
        }
    }
}
