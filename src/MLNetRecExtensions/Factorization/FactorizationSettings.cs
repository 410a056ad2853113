namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The objective a <see cref="MatrixFactorizationModel"/> was trained on, kept with the model (and in its saved
/// typed state) so that fold-in (<see cref="MatrixFactorizationModel.FoldInUser(ReadOnlySpan{int}, ReadOnlySpan{float})"/>)
/// and <see cref="MatrixFactorizationUpdate"/> solve exactly the trainer's per-row least-squares problem.
/// </summary>
/// <remarks>
/// <para>Implicit models (<see cref="ImplicitAlsTrainer"/>, one-class <see cref="MatrixFactorizationTrainer"/>): row
/// <c>x</c> with observed columns <c>i</c> and summed strengths <c>r_i</c> minimises
/// <c>Σ_i c_i (1 − x·y_i)² + w0 Σ_unobserved (t0 − x·y)² + g Σ_all (x·y)² + λ‖x‖²</c> with
/// <c>c_i = 1 + α·r_i</c> (one-class MF: <c>α = 0</c>, so <c>c = 1</c>).</para>
/// <para>Explicit models: row <c>u</c> minimises <c>Σ_i (r_ui − μ − b_i − b_u − p_u·q_i)² + λ·n_u (‖p_u‖² + b_u²)</c>
/// (ALS-WR; repeated pairs averaged), without <c>b_u</c> when <see cref="UseBiases"/> is false.</para>
/// </remarks>
public sealed class FactorizationSettings
{
    /// <summary>L2 weight λ.</summary>
    public float Lambda { get; init; }
    /// <summary>Implicit: confidence slope α in <c>c = 1 + α·r</c> (0 for one-class MF). Explicit: unused (0).</summary>
    public float ConfidenceSlope { get; init; }
    /// <summary>Implicit: weight w0 of every unobserved pair. Explicit: unused (0).</summary>
    public float UnobservedWeight { get; init; }
    /// <summary>Implicit: target t0 of unobserved pairs (0 for iALS, ML.NET's <c>C</c> for one-class MF). Explicit: unused (0).</summary>
    public float UnobservedTarget { get; init; }
    /// <summary>Implicit: gravity weight g. Explicit: unused (0).</summary>
    public float Gravity { get; init; }
    /// <summary>Explicit: user and item biases were learned (and μ used).</summary>
    public bool UseBiases { get; init; }
    /// <summary>Factors were clamped at zero after each solve.</summary>
    public bool NonNegative { get; init; }
    /// <summary>
    /// Implicit: the trainer counted every interaction as strength 1 whatever its label (<see cref="ImplicitAlsTrainer"/>
    /// without a label column, one-class MF), so fold-in and updates do the same: given ratings are checked, then
    /// replaced by 1 each.
    /// </summary>
    public bool IgnoresLabels { get; init; }
    /// <summary>Implicit: the trainer solved rows exactly (Cholesky) rather than by warm-started conjugate gradient.</summary>
    public bool UseCholesky { get; init; }
    /// <summary>Implicit: conjugate-gradient steps per row and sweep of the trainer (when not <see cref="UseCholesky"/>).</summary>
    public int CgSteps { get; init; } = 3;

    /// <summary>
    /// The weighted-ALS settings of an exact (Cholesky) row solve on <paramref name="threads"/> threads, or with
    /// <paramref name="trainerSolver"/> the trainer's own solver (Cholesky, or <see cref="CgSteps"/> warm-started CG steps).
    /// </summary>
    internal WeightedAlsSettings ToWeightedAls(int threads, bool trainerSolver = false) => new()
    {
        Lambda = Lambda,
        UnobservedWeight = UnobservedWeight,
        UnobservedTarget = UnobservedTarget,
        Gravity = Gravity,
        UseCholesky = !trainerSolver || UseCholesky,
        CgSteps = CgSteps,
        NonNegative = NonNegative,
        Threads = threads,
    };

    /// <summary>Confidence of a summed strength <paramref name="r"/>: <c>1 + α·r</c>.</summary>
    internal float Confidence(float r) => 1 + ConfidenceSlope * r;

    internal void Write(BinaryWriter w)
    {
        w.Write(Lambda);
        w.Write(ConfidenceSlope);
        w.Write(UnobservedWeight);
        w.Write(UnobservedTarget);
        w.Write(Gravity);
        w.Write(UseBiases);
        w.Write(NonNegative);
        w.Write(IgnoresLabels);
        w.Write(UseCholesky);
        w.Write(CgSteps);
    }

    internal static FactorizationSettings Read(BinaryReader r) => new()
    {
        Lambda = r.ReadSingle(),
        ConfidenceSlope = r.ReadSingle(),
        UnobservedWeight = r.ReadSingle(),
        UnobservedTarget = r.ReadSingle(),
        Gravity = r.ReadSingle(),
        UseBiases = r.ReadBoolean(),
        NonNegative = r.ReadBoolean(),
        IgnoresLabels = r.ReadBoolean(),
        UseCholesky = r.ReadBoolean(),
        CgSteps = r.ReadInt32(),
    };
}
