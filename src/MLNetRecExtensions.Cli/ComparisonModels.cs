using Microsoft.ML;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Cli;

/// <summary>The models <c>mlnet-rec compare</c> puts side by side, all built through the public catalog.</summary>
internal static class ComparisonModels
{
    public static RecommenderComparison Create(MLContext ml, LoadedDataset dataset, int seed)
    {
        _ = dataset;
        _ = seed;
        var comparison = new RecommenderComparison(ml);
        comparison.Add("Popularity", ml.Recommenders().Trainers.Popularity());
        return comparison;
    }
}
