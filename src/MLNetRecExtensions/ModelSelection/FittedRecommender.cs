using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Recommendation;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>A model trained from <see cref="TrialSettings"/> on interactions with original ids, ready to recommend.</summary>
/// <param name="Settings">What was trained.</param>
/// <param name="Model">The fitted ML.NET transformer, or null for a two-stage model.</param>
/// <param name="TwoStage">The fitted two-stage model, or null.</param>
/// <param name="Recommender">The recommender in the data's original (string) ids.</param>
public sealed record FittedRecommender(TrialSettings Settings, ITransformer? Model, TwoStageModel? TwoStage,
    IItemRecommender<string, string> Recommender)
{
    /// <summary>
    /// Trains <paramref name="settings"/> on <paramref name="train"/> (which must carry its original ids) with the
    /// trainers of <see cref="RecommenderTrainers.Create"/>.
    /// </summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="settings">Family and hyper-parameters (e.g. <see cref="RecommenderSearchResult.Best"/>).</param>
    /// <param name="train">All training interactions.</param>
    /// <param name="seed">Seed of the trainer.</param>
    /// <param name="k">Recommendations per user (the two-stage cut-off).</param>
    /// <param name="twoStageRanker">Ranker of a two-stage model.</param>
    /// <param name="options">Recommender options (index choice); null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The data has no original ids, or two-stage lacks a ranker.</exception>
    public static FittedRecommender Fit(MLContext mlContext, TrialSettings settings, InteractionData train, int seed, int k,
        Func<MLContext, IEstimator<ITransformer>>? twoStageRanker = null, RecommenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(train);
        var (estimator, trainer) = RecommenderTrainers.Create(mlContext, settings, seed, RecommenderSearch.HasRatings(train), k, twoStageRanker);
        if (estimator != null)
        {
            var model = estimator.Fit(train.ToDataView(mlContext));
            return new FittedRecommender(settings, model, null, Recommendation.Recommender.Create(mlContext, model, train, options));
        }
        var twoStage = (TwoStageModel)trainer!.Fit(train);
        return new FittedRecommender(settings, null, twoStage, Recommendation.Recommender.Create<string, string>(twoStage, train));
    }
}
