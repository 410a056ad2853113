using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>Optional inputs of <see cref="RankingEvaluator.Evaluate"/>: the groups that define the folding score.</summary>
public sealed class RankingEvaluationOptions
{
    /// <summary>
    /// Group of each user (length = users of the test matrix, values ≥ 0), or null. When given, a user's own group
    /// counts as a group the user belongs to for the folding score, in addition to the groups it interacted with.
    /// </summary>
    public int[]? UserGroups { get; set; }

    /// <summary>
    /// Group of each item (length = items of the test matrix, values ≥ 0), or null. The folding score is computed
    /// only when this is set.
    /// </summary>
    public int[]? ItemGroups { get; set; }

    /// <summary>
    /// The interactions that define the groups each user "knows" for the folding score (typically train + test,
    /// same users × items as the test matrix); null uses the test matrix.
    /// </summary>
    public UserItemMatrix? InteractedItems { get; set; }
}
