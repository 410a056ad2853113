namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Stochastic gradient descent with optional heavy-ball momentum: <c>v = μ·v + g; w −= lr·v</c> (with μ = 0 this is
/// <c>w −= lr·g</c>). Under <see cref="Optimizer.StepRows"/> the velocity of untouched rows is neither used nor decayed.
/// </summary>
public sealed class SgdOptimizer : Optimizer
{
    private readonly float[]? _velocity;

    /// <summary>Creates SGD for <paramref name="length"/> parameters.</summary>
    /// <param name="length">Parameter count.</param>
    /// <param name="learningRate">Step size, &gt; 0.</param>
    /// <param name="momentum">Momentum μ in [0, 1); 0 (default) keeps no state.</param>
    public SgdOptimizer(int length, float learningRate, float momentum = 0f) : base(length)
    {
        RequirePositive(learningRate, nameof(learningRate));
        RequireUnitInterval(momentum, nameof(momentum));
        LearningRate = learningRate;
        Momentum = momentum;
        _velocity = momentum > 0f ? new float[length] : null;
    }

    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>Momentum μ.</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset)
    {
        if (_velocity is null)
        {
            for (int i = 0; i < weights.Length; i++) weights[i] -= LearningRate * gradient[i];
            return;
        }
        var v = _velocity.AsSpan(stateOffset, weights.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            v[i] = Momentum * v[i] + gradient[i];
            weights[i] -= LearningRate * v[i];
        }
    }
}
