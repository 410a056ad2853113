using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// A recommender that is trained on interactions and ranks the catalog itself, for pipelines that are not a single
/// ML.NET estimator (e.g. <see cref="Ranking.TwoStageRecommender"/>: candidate generation → ranker). It is compared
/// side by side with estimators through <see cref="RecommenderComparison.Add(string, IRecommenderTrainer)"/>.
/// </summary>
public interface IRecommenderTrainer
{
    /// <summary>Trains on <paramref name="train"/> (0-based users and items).</summary>
    IRecommender Fit(InteractionData train);
}

/// <summary>A fitted <see cref="IRecommenderTrainer"/>.</summary>
public interface IRecommender
{
    /// <summary>
    /// The top <paramref name="k"/> items (0-based, best first) for each of <paramref name="users"/>, excluding the
    /// items each user interacted with in the training data; entry q belongs to <c>users[q]</c>.
    /// </summary>
    int[][] Recommend(IReadOnlyList<int> users, int k);
}
