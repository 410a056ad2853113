using Microsoft.ML;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Tests.Recommendation;

namespace MLNetRecExtensions.Tests.Serving;

/// <summary>A small fitted implicit-ALS serving bundle over <see cref="RecommendationTestData.Groups"/> ("user-u", "item-i").</summary>
internal static class ServingTestData
{
    private static readonly Lazy<ServingModel> Shared = new(() => Fit());

    public static ServingModel Model => Shared.Value;

    public static ServingModel Fit(string modelId = "test-ials")
    {
        var data = RecommendationTestData.Groups(users: 120, items: 400, perUser: 12);
        var ml = new MLContext(1);
        var model = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options
        {
            ApproximationRank = 8, NumberOfIterations = 8, Lambda = 0.5, NumberOfThreads = 1, Seed = 1,
        }).Fit(data.ToDataView(ml));
        return ServingModel.FromTraining(modelId, model, data);
    }
}
