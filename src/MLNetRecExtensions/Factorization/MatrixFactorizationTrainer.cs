using System.Runtime.CompilerServices;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Matrix factorization for explicit ratings (and ML.NET's one-class loss), a drop-in for ML.NET's
/// <c>Microsoft.ML.Trainers.MatrixFactorizationTrainer</c>: same option names and defaults, plus user/item biases and
/// the global mean (on by default), a choice of solver, a seed and progress reporting.
/// </summary>
/// <remarks>
/// <para>Input: the user key column (<see cref="Options.MatrixRowIndexColumnName"/>), the item key column
/// (<see cref="Options.MatrixColumnIndexColumnName"/>), both <c>UInt32</c> keys of known cardinality, and a numeric
/// label. Output: <see cref="MatrixFactorizationModel"/>, which adds <c>Score</c> (Single).</para>
/// <para><see cref="LossFunctionType.SquareLossRegression"/> fits <c>r̂ = μ + b_u + b_i + p_u·q_i</c> minimising
/// <c>Σ (r − r̂)² + λ Σ (‖p_u‖² + ‖q_i‖² + b_u² + b_i²)</c> (L2 per rating) with <see cref="SolverType.Sgd"/> (LIBMF's
/// adaptive per-row step and block-grid parallelism: the ratings are cut into a grid of blocks and threads update
/// blocks that share no user or item; deterministic for a fixed seed whatever the thread count, and identical for one
/// and two threads) or <see cref="SolverType.Als"/>
/// (ALS-WR, exact per-row solves; deterministic for any thread count; <see cref="Options.LearningRate"/> unused).</para>
/// <para><see cref="LossFunctionType.SquareLossOneClass"/> treats every observed pair as a positive of target 1 and
/// every unobserved pair as a target <see cref="Options.C"/> of weight <see cref="Options.Alpha"/>, as LIBMF's
/// one-class MF, solved by weighted ALS (exact solves) like <see cref="ImplicitAlsTrainer"/>; the label values are not
/// used and no biases are learned.</para>
/// </remarks>
public sealed class MatrixFactorizationTrainer : IEstimator<MatrixFactorizationModel>
{
    /// <summary>The loss, with ML.NET's names and values.</summary>
    public enum LossFunctionType
    {
        /// <summary>Squared error on the observed ratings (explicit feedback).</summary>
        SquareLossRegression = 0,
        /// <summary>One-class MF: observed pairs are positives, unobserved pairs are weighted negatives (implicit feedback).</summary>
        SquareLossOneClass = 12,
    }

    /// <summary>Optimiser of the explicit loss.</summary>
    public enum SolverType
    {
        /// <summary>Stochastic gradient descent with LIBMF's adaptive per-row learning rate.</summary>
        Sgd = 0,
        /// <summary>Alternating least squares with λ weighted by each row's rating count (ALS-WR).</summary>
        Als = 1,
    }

    /// <summary>Options, named as in ML.NET's <c>MatrixFactorizationTrainer.Options</c>.</summary>
    public sealed class Options
    {
        /// <summary>Item key column (the matrix column index). Default <c>ItemId</c>.</summary>
        public string MatrixColumnIndexColumnName = InteractionColumns.Item;
        /// <summary>User key column (the matrix row index). Default <c>UserId</c>.</summary>
        public string MatrixRowIndexColumnName = InteractionColumns.User;
        /// <summary>Rating column (numeric). Default <c>Label</c>.</summary>
        public string LabelColumnName = InteractionColumns.Label;
        /// <summary>Loss function. Default <see cref="LossFunctionType.SquareLossRegression"/>.</summary>
        public LossFunctionType LossFunction = LossFunctionType.SquareLossRegression;
        /// <summary>L2 weight λ (≥ 0), applied per rating. Default 0.1.</summary>
        public double Lambda = 0.1;
        /// <summary>Factor length k (&gt; 0). Default 8.</summary>
        public int ApproximationRank = 8;
        /// <summary>Training iterations (epochs / ALS sweeps, &gt; 0). Default 20.</summary>
        public int NumberOfIterations = 20;
        /// <summary>Initial SGD learning rate (&gt; 0), scaled per row by AdaGrad as in LIBMF. Default 0.1.</summary>
        public double LearningRate = 0.1;
        /// <summary>One-class only: weight of each unobserved pair's loss (≥ 0). Default 0.0001.</summary>
        public double Alpha = 0.0001;
        /// <summary>One-class only: target value of unobserved pairs. Default 0.000001.</summary>
        public double C = 0.000001;
        /// <summary>Worker threads; null means all cores. Both solvers are deterministic for a fixed seed and thread count (SGD gives the same model for one and two threads).</summary>
        public int? NumberOfThreads;
        /// <summary>Clamp the factors at zero (projected updates).</summary>
        public bool NonNegative;
        /// <summary>Learn user and item biases and use the global mean (explicit loss only). Default true; false gives LIBMF's model <c>p_u·q_i</c>.</summary>
        public bool UseBiases = true;
        /// <summary>Solver of the explicit loss. Default <see cref="SolverType.Sgd"/>.</summary>
        public SolverType Solver = SolverType.Sgd;
        /// <summary>Seed of the initial factors and the SGD order. Default 0.</summary>
        public int Seed;
        /// <summary>Receives one report per iteration (also logged to <c>mlContext.Log</c>), or null.</summary>
        public IProgress<MatrixFactorizationProgress>? Progress;

        internal Options Clone() => (Options)MemberwiseClone();
    }

    private readonly MLContext _mlContext;
    private readonly Options _options;

    /// <summary>Creates the trainer; the options are copied and validated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it and its value).</exception>
    public MatrixFactorizationTrainer(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _mlContext = mlContext;
        _options = options.Clone();
        Validate(_options);
    }

    private static void Validate(Options o)
    {
        OptionChecks.Columns(o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName, o.LabelColumnName,
            labelRequired: o.LossFunction == LossFunctionType.SquareLossRegression);
        OptionChecks.Positive(nameof(o.ApproximationRank), o.ApproximationRank);
        OptionChecks.Positive(nameof(o.NumberOfIterations), o.NumberOfIterations);
        OptionChecks.Positive(nameof(o.LearningRate), o.LearningRate);
        OptionChecks.NonNegative(nameof(o.Lambda), o.Lambda);
        OptionChecks.NonNegative(nameof(o.Alpha), o.Alpha);
        OptionChecks.Finite(nameof(o.C), o.C);
        OptionChecks.Threads(o.NumberOfThreads);
        if (!Enum.IsDefined(o.LossFunction)) throw new ArgumentOutOfRangeException(nameof(o.LossFunction), o.LossFunction, "Unknown loss function.");
        if (!Enum.IsDefined(o.Solver)) throw new ArgumentOutOfRangeException(nameof(o.Solver), o.Solver, "Unknown solver.");
    }

    private string? LabelForReading => _options.LossFunction == LossFunctionType.SquareLossRegression ? _options.LabelColumnName : null;

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidDataException">The data is empty, holds a missing key or a non-finite label.</exception>
    /// <exception cref="InvalidOperationException">Training diverged: the loss became NaN or infinite, or exploded to more
    /// than 100 times its value before training (the message names the iteration and what to lower).</exception>
    public MatrixFactorizationModel Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="train"/> and reports the RMSE on <paramref name="validation"/> after every iteration.</summary>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Data with the same key columns (same cardinalities), or null.</param>
    public MatrixFactorizationModel Fit(IDataView train, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = _options;
        var data = InteractionData.FromDataView(train, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName, LabelForReading);
        InteractionData? valid = null;
        if (validation != null)
        {
            valid = InteractionData.FromDataView(validation, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName, o.LabelColumnName);
            if (valid.UserCount != data.UserCount || valid.ItemCount != data.ItemCount)
                throw new ArgumentOutOfRangeException(nameof(validation),
                    $"Validation keys have cardinalities {valid.UserCount} users × {valid.ItemCount} items, training keys {data.UserCount} × {data.ItemCount}; map both with the same fitted MapValueToKey.");
        }
        int threads = OptionChecks.ResolveThreads(o.NumberOfThreads);
        bool sgd = o.LossFunction == LossFunctionType.SquareLossRegression && o.Solver == SolverType.Sgd;
        using var monitor = new TrainingMonitor(_mlContext, "MLNetRec.MatrixFactorization", o.Progress, o.NumberOfIterations,
            sgd ? $"Lower the learning rate: use a smaller LearningRate (now {o.LearningRate}, try {o.LearningRate / 10}) or a larger Lambda (now {o.Lambda})."
                : $"Use a larger Lambda (now {o.Lambda}) or check the labels' scale.",
            sgd ? "Matrix factorization (SGD)" : o.LossFunction == LossFunctionType.SquareLossOneClass ? "Matrix factorization (one-class ALS)" : "Matrix factorization (ALS)");
        return o.LossFunction == LossFunctionType.SquareLossOneClass
            ? FitOneClass(data, threads, monitor)
            : FitExplicit(data, valid, threads, monitor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per Fit: optimise at once, not after tiering
    private MatrixFactorizationModel FitExplicit(InteractionData data, InteractionData? valid, int threads, TrainingMonitor monitor)
    {
        var o = _options;
        float mean = 0;
        if (o.UseBiases)
        {
            double sum = 0;
            foreach (var l in data.Labels) sum += l;
            mean = (float)(sum / data.Count);
        }
        var random = new Random(o.Seed);
        float lambda = (float)o.Lambda;
        ExplicitFactors f;
        if (o.Solver == SolverType.Sgd)
        {
            f = new ExplicitFactors(data.UserCount, data.ItemCount, o.ApproximationRank, mean, o.UseBiases);
            using var sgd = new ExplicitSgd(data, o.ApproximationRank, mean, o.UseBiases, threads, random);
            monitor.SetInitialLoss(sgd.Loss(lambda));
            for (int it = 1; it <= o.NumberOfIterations; it++)
            {
                monitor.BeginIteration();
                double squaredError = sgd.Epoch(it, (float)o.LearningRate, lambda, o.NonNegative, random);
                monitor.EndUpdate();
                if (valid != null) sgd.CopyTo(f);
                monitor.Report(it, (squaredError + sgd.Regularization(lambda)) / data.Count, Math.Sqrt(squaredError / data.Count),
                    valid == null ? null : f.Rmse(valid));
            }
            sgd.CopyTo(f);
        }
        else
        {
            f = new ExplicitFactors(data.UserCount, data.ItemCount, o.ApproximationRank, mean, o.UseBiases, random);
            monitor.SetInitialLoss(f.Evaluate(data, lambda).Loss);
            var byUser = UserItemMatrix.FromInteractions(AveragedDuplicates(data));
            var byItem = byUser.Transpose();
            for (int it = 1; it <= o.NumberOfIterations; it++)
            {
                monitor.BeginIteration();
                ExplicitAls.Sweep(byUser, f.P, f.Bu, f.Q, f.Bi, f.Rank, mean, o.UseBiases, lambda, o.NonNegative, threads);
                ExplicitAls.Sweep(byItem, f.Q, f.Bi, f.P, f.Bu, f.Rank, mean, o.UseBiases, lambda, o.NonNegative, threads);
                monitor.EndUpdate();
                var (loss, rmse) = f.Evaluate(data, lambda);
                monitor.Report(it, loss, rmse, valid == null ? null : f.Rmse(valid));
            }
        }
        return new MatrixFactorizationModel(_mlContext, MatrixFactorizationKind.Explicit, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName,
            data.UserCount, data.ItemCount, f.Rank, f.P, f.Q, f.Bu, f.Bi, mean, null,
            new FactorizationSettings { Lambda = lambda, UseBiases = o.UseBiases, NonNegative = o.NonNegative });
    }

    // The CSR matrix sums duplicate (user, item) ratings; ALS wants one rating per pair, so repeated pairs are averaged.
    internal static InteractionData AveragedDuplicates(InteractionData data)
    {
        var counts = UserItemMatrix.FromInteractions(new InteractionData(data.UserCount, data.ItemCount, data.Users, data.Items, Enumerable.Repeat(1f, data.Count).ToArray()));
        var sums = UserItemMatrix.FromInteractions(data);
        if (counts.NonZeroCount == data.Count) return data;
        var users = new int[sums.NonZeroCount];
        var labels = new float[sums.NonZeroCount];
        for (int u = 0; u < sums.UserCount; u++)
            for (int p = sums.RowStart[u]; p < sums.RowStart[u + 1]; p++)
            {
                users[p] = u;
                labels[p] = sums.Values[p] / counts.Values[p];
            }
        return new InteractionData(data.UserCount, data.ItemCount, users, (int[])sums.ItemIndices.Clone(), labels);
    }

    private MatrixFactorizationModel FitOneClass(InteractionData data, int threads, TrainingMonitor monitor)
    {
        var o = _options;
        var settings = new WeightedAlsSettings
        {
            Lambda = (float)o.Lambda,
            UnobservedWeight = (float)o.Alpha,
            UnobservedTarget = (float)o.C,
            UseCholesky = true,
            NonNegative = o.NonNegative,
            Threads = threads,
        };
        var (users, items) = WeightedAlsTraining.Train(data, _ => 1f, o.ApproximationRank, o.NumberOfIterations, o.Seed, settings, monitor);
        return new MatrixFactorizationModel(_mlContext, MatrixFactorizationKind.Implicit, o.MatrixRowIndexColumnName, o.MatrixColumnIndexColumnName,
            data.UserCount, data.ItemCount, o.ApproximationRank, users, items, null, null, 0, WeightedAlsTraining.Popularity(data),
            new FactorizationSettings
            {
                Lambda = settings.Lambda, UnobservedWeight = settings.UnobservedWeight, UnobservedTarget = settings.UnobservedTarget,
                NonNegative = o.NonNegative, IgnoresLabels = true, UseCholesky = true,
            });
    }

    /// <summary>
    /// Checks that the user and item columns are scalar <c>UInt32</c> keys and the label is numeric, and returns the
    /// input shape plus <c>Score</c> (Single).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ScoreSchema.AddScore(_mlContext, inputSchema, _options.MatrixRowIndexColumnName, _options.MatrixColumnIndexColumnName, LabelForReading);
}
