using Microsoft.ML;

namespace MLNetRecExtensions;

/// <summary>
/// Entry point of the library on an <see cref="MLContext"/>: <c>mlContext.Recommenders().Trainers</c>,
/// <c>.Transforms</c> and <c>.Evaluation</c>. Each component adds its factory methods as extension methods on
/// these sub-catalogs, in a <c>*Catalog.cs</c> file beside the component.
/// </summary>
public sealed class RecommendersCatalog
{
    internal RecommendersCatalog(MLContext mlContext)
    {
        Context = mlContext;
        Trainers = new TrainerCatalog(mlContext);
        Transforms = new TransformCatalog(mlContext);
        Evaluation = new EvaluationCatalog(mlContext);
    }

    /// <summary>The context this catalog creates components for.</summary>
    public MLContext Context { get; }
    /// <summary>Recommender trainers (estimators producing scoring transformers).</summary>
    public TrainerCatalog Trainers { get; }
    /// <summary>Data transforms (negative sampling, feature crosses, ...).</summary>
    public TransformCatalog Transforms { get; }
    /// <summary>Ranking metrics and side-by-side comparison.</summary>
    public EvaluationCatalog Evaluation { get; }

    /// <summary>Trainers of <see cref="RecommendersCatalog"/>; factory methods are extension methods.</summary>
    public sealed class TrainerCatalog
    {
        internal TrainerCatalog(MLContext mlContext) => Context = mlContext;
        /// <summary>The context trainers are created for.</summary>
        public MLContext Context { get; }
    }

    /// <summary>Transforms of <see cref="RecommendersCatalog"/>; factory methods are extension methods.</summary>
    public sealed class TransformCatalog
    {
        internal TransformCatalog(MLContext mlContext) => Context = mlContext;
        /// <summary>The context transforms are created for.</summary>
        public MLContext Context { get; }
    }

    /// <summary>Evaluation helpers of <see cref="RecommendersCatalog"/>; factory methods are extension methods.</summary>
    public sealed class EvaluationCatalog
    {
        internal EvaluationCatalog(MLContext mlContext) => Context = mlContext;
        /// <summary>The context evaluation runs in.</summary>
        public MLContext Context { get; }
    }
}

/// <summary>Adds <see cref="Recommenders"/> to <see cref="MLContext"/>.</summary>
public static class MLContextRecommendersExtensions
{
    /// <summary>The recommender components of this library for <paramref name="mlContext"/>.</summary>
    public static RecommendersCatalog Recommenders(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new RecommendersCatalog(mlContext);
    }
}
