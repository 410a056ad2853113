using Microsoft.ML;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>
/// Turns <see cref="TrialSettings"/> into the library's trainers through the public catalog (the same calls a user
/// or the generated training code makes). Every trainer reads the key columns <c>UserId</c>, <c>ItemId</c> and,
/// for rated data, <c>Label</c>.
/// </summary>
public static class RecommenderTrainers
{
    /// <summary>
    /// The trainer of <paramref name="settings"/>: an <see cref="IEstimator{TTransformer}"/> or, for
    /// <see cref="RecommenderKind.TwoStage"/>, an <see cref="IRecommenderTrainer"/> (exactly one is non-null).
    /// </summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="settings">Family and hyper-parameters.</param>
    /// <param name="seed">Seed of the trainer.</param>
    /// <param name="hasRatings">True when the labels are ratings (iALS then uses them as confidences).</param>
    /// <param name="k">Recommendations per user (the two-stage cut-off).</param>
    /// <param name="twoStageRanker">Ranker of the two-stage model; required for <see cref="RecommenderKind.TwoStage"/>.</param>
    /// <param name="checkpoint">Called after every iteration / epoch of the iterative trainers (through their
    /// <c>Progress</c> option), e.g. to stop a trial that outlives a time budget by throwing; null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">Unknown kind, or two-stage without a ranker.</exception>
    public static (IEstimator<ITransformer>? Estimator, IRecommenderTrainer? Trainer) Create(MLContext mlContext, TrialSettings settings,
        int seed, bool hasRatings, int k, Func<MLContext, IEstimator<ITransformer>>? twoStageRanker = null, Action? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(settings);
        var trainers = mlContext.Recommenders().Trainers;
        var als = AlsOptions(settings, seed, hasRatings);
        var mf = MfOptions(settings, seed);
        var tower = TwoTowerOptions(settings, seed);
        if (checkpoint != null)
        {
            als.Progress = new Checkpoint<MatrixFactorizationProgress>(checkpoint);
            mf.Progress = new Checkpoint<MatrixFactorizationProgress>(checkpoint);
            tower.Progress = new Checkpoint<TwoTowerProgress>(checkpoint);
        }
        return settings.Kind switch
        {
            RecommenderKind.Popularity => (trainers.Popularity(), null),
            RecommenderKind.ImplicitAls => (trainers.ImplicitAls(als), null),
            RecommenderKind.MatrixFactorization => (trainers.MatrixFactorization(mf), null),
            RecommenderKind.TwoTower => (trainers.TwoTower(tower), null),
            RecommenderKind.TwoStage => (null, new TwoStageRecommender(mlContext, trainers.ImplicitAls(als),
                (twoStageRanker ?? throw new ArgumentOutOfRangeException(nameof(twoStageRanker), "A two-stage trial needs a ranker: set RecommenderSearchOptions.TwoStageRanker."))(mlContext),
                new TwoStageOptions { CandidateCount = Math.Max(k, (int)settings.Get("CandidateCount", 100)), K = k, Seed = seed })),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Unknown recommender kind."),
        };
    }

    /// <summary>Implicit ALS options of <paramref name="settings"/> (label column <c>Label</c> when the data is rated).</summary>
    public static ImplicitAlsTrainer.Options AlsOptions(TrialSettings settings, int seed, bool hasRatings)
    {
        var o = new ImplicitAlsTrainer.Options { Seed = seed, LabelColumnName = hasRatings ? Data.InteractionColumns.Label : null };
        o.ApproximationRank = (int)settings.Get(nameof(o.ApproximationRank), o.ApproximationRank);
        o.Lambda = settings.Get(nameof(o.Lambda), o.Lambda);
        o.Alpha = settings.Get(nameof(o.Alpha), o.Alpha);
        o.NumberOfIterations = (int)settings.Get(nameof(o.NumberOfIterations), o.NumberOfIterations);
        return o;
    }

    /// <summary>Explicit matrix factorization options of <paramref name="settings"/>.</summary>
    public static MatrixFactorizationTrainer.Options MfOptions(TrialSettings settings, int seed)
    {
        var o = new MatrixFactorizationTrainer.Options { Seed = seed };
        o.ApproximationRank = (int)settings.Get(nameof(o.ApproximationRank), o.ApproximationRank);
        o.Lambda = settings.Get(nameof(o.Lambda), o.Lambda);
        o.NumberOfIterations = (int)settings.Get(nameof(o.NumberOfIterations), o.NumberOfIterations);
        o.LearningRate = settings.Get(nameof(o.LearningRate), o.LearningRate);
        return o;
    }

    /// <summary>Two-tower options of <paramref name="settings"/>.</summary>
    public static TwoTowerOptions TwoTowerOptions(TrialSettings settings, int seed)
    {
        var o = new TwoTowerOptions { Seed = seed };
        o.EmbeddingDimension = (int)settings.Get(nameof(o.EmbeddingDimension), o.EmbeddingDimension);
        o.NumberOfEpochs = (int)settings.Get(nameof(o.NumberOfEpochs), o.NumberOfEpochs);
        o.Temperature = (float)settings.Get(nameof(o.Temperature), o.Temperature);
        o.LearningRate = (float)settings.Get(nameof(o.LearningRate), o.LearningRate);
        return o;
    }

    private sealed class Checkpoint<T>(Action action) : IProgress<T>
    {
        public void Report(T value) => action();
    }
}
