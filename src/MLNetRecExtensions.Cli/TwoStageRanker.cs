using Microsoft.ML;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Cli;

/// <summary>The ranker of the CLI's two-stage model: FastTree LambdaMART on the pair features, grouped by user.</summary>
internal static class TwoStageRanker
{
    public static IEstimator<ITransformer> Create(MLContext ml) => ml.Ranking.Trainers.FastTree(
        labelColumnName: PairFeatureColumns.Label, featureColumnName: PairFeatureColumns.Features,
        rowGroupColumnName: PairFeatureColumns.GroupId, numberOfTrees: 50);
}
