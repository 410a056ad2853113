using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions;

/// <summary>
/// <c>mlContext.Recommenders().Trainers.MatrixFactorization(...)</c> and <c>.ImplicitAls(...)</c>. The
/// <c>MatrixFactorization</c> signatures mirror ML.NET's <c>mlContext.Recommendation().Trainers.MatrixFactorization</c>,
/// so swapping the built-in trainer for this one is a one-line change.
/// </summary>
public static class MatrixFactorizationCatalog
{
    /// <summary>
    /// Explicit-rating matrix factorization with user/item biases (SGD), as ML.NET's short overload (same argument
    /// order), with the column defaults of its siblings: <c>Label</c>, <c>ItemId</c>, <c>UserId</c>.
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="labelColumnName">Rating column (numeric). Default <c>Label</c>.</param>
    /// <param name="matrixColumnIndexColumnName">Item key column. Default <c>ItemId</c>.</param>
    /// <param name="matrixRowIndexColumnName">User key column. Default <c>UserId</c>.</param>
    /// <param name="approximationRank">Factor length.</param>
    /// <param name="learningRate">Initial SGD learning rate.</param>
    /// <param name="numberOfIterations">Epochs.</param>
    public static MatrixFactorizationTrainer MatrixFactorization(this RecommendersCatalog.TrainerCatalog catalog,
        string labelColumnName = Data.InteractionColumns.Label, string matrixColumnIndexColumnName = Data.InteractionColumns.Item,
        string matrixRowIndexColumnName = Data.InteractionColumns.User, int approximationRank = 8, double learningRate = 0.1, int numberOfIterations = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MatrixFactorizationTrainer(catalog.Context, new MatrixFactorizationTrainer.Options
        {
            LabelColumnName = labelColumnName,
            MatrixColumnIndexColumnName = matrixColumnIndexColumnName,
            MatrixRowIndexColumnName = matrixRowIndexColumnName,
            ApproximationRank = approximationRank,
            LearningRate = learningRate,
            NumberOfIterations = numberOfIterations,
        });
    }

    /// <summary>Matrix factorization with all options.</summary>
    public static MatrixFactorizationTrainer MatrixFactorization(this RecommendersCatalog.TrainerCatalog catalog,
        MatrixFactorizationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MatrixFactorizationTrainer(catalog.Context, options);
    }

    /// <summary>Implicit-feedback weighted ALS (iALS) with the recommended defaults.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="matrixColumnIndexColumnName">Item key column.</param>
    /// <param name="matrixRowIndexColumnName">User key column.</param>
    /// <param name="labelColumnName">Interaction strength column, or null to count each row as 1.</param>
    /// <param name="approximationRank">Factor length.</param>
    /// <param name="numberOfIterations">ALS iterations.</param>
    public static ImplicitAlsTrainer ImplicitAls(this RecommendersCatalog.TrainerCatalog catalog,
        string matrixColumnIndexColumnName = Data.InteractionColumns.Item, string matrixRowIndexColumnName = Data.InteractionColumns.User,
        string? labelColumnName = null, int approximationRank = 64, int numberOfIterations = 15)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImplicitAlsTrainer(catalog.Context, new ImplicitAlsTrainer.Options
        {
            MatrixColumnIndexColumnName = matrixColumnIndexColumnName,
            MatrixRowIndexColumnName = matrixRowIndexColumnName,
            LabelColumnName = labelColumnName,
            ApproximationRank = approximationRank,
            NumberOfIterations = numberOfIterations,
        });
    }

    /// <summary>Implicit-feedback weighted ALS with all options.</summary>
    public static ImplicitAlsTrainer ImplicitAls(this RecommendersCatalog.TrainerCatalog catalog, ImplicitAlsTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImplicitAlsTrainer(catalog.Context, options);
    }
}
