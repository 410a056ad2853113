namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Settings of the weighted ALS solver shared by <see cref="ImplicitAlsTrainer"/> and the one-class loss of
/// <see cref="MatrixFactorizationTrainer"/>. The objective over the rows X and columns Y is
/// <c>Σ_observed c_ui (1 − x_u·y_i)² + w0 Σ_unobserved (t0 − x_u·y_i)² + g Σ_all (x_u·y_i)² + λ (‖X‖² + ‖Y‖²)</c>.
/// </summary>
internal sealed class WeightedAlsSettings
{
    /// <summary>L2 weight λ.</summary>
    public float Lambda { get; init; }
    /// <summary>Weight w0 of every unobserved entry.</summary>
    public float UnobservedWeight { get; init; }
    /// <summary>Target t0 of unobserved entries (0 for iALS, ML.NET's <c>C</c> for one-class MF).</summary>
    public float UnobservedTarget { get; init; }
    /// <summary>Gravity weight g.</summary>
    public float Gravity { get; init; }
    /// <summary>Exact Cholesky solves instead of warm-started conjugate gradient.</summary>
    public bool UseCholesky { get; init; }
    /// <summary>Conjugate-gradient steps per row.</summary>
    public int CgSteps { get; init; } = 3;
    /// <summary>Clamp solved factors at zero.</summary>
    public bool NonNegative { get; init; }
    /// <summary>Maximum degree of parallelism.</summary>
    public int Threads { get; init; } = 1;
}
