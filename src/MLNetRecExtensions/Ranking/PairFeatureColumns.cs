namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Column names of a pair-feature <see cref="Microsoft.ML.IDataView"/> (<see cref="PairFeatureTable.ToDataView"/>).
/// A ranking trainer reads <see cref="Label"/>, <see cref="Features"/> and <see cref="GroupId"/>, e.g.
/// <c>mlContext.Ranking.Trainers.FastTree("Label", "Features", "GroupId")</c>; a binary classifier reads the Boolean
/// <see cref="LabelBool"/>, e.g. <c>mlContext.BinaryClassification.Trainers.FastTree("LabelBool", "Features")</c>.
/// </summary>
public static class PairFeatureColumns
{
    /// <summary>User key (<c>UInt32</c> key, cardinality = users of the interactions).</summary>
    public const string User = "UserId";
    /// <summary>Candidate item key (<c>UInt32</c> key, cardinality = items of the interactions).</summary>
    public const string Item = "ItemId";
    /// <summary>Query group: the user key again (rows are sorted by it, so each group is contiguous).</summary>
    public const string GroupId = "GroupId";
    /// <summary>Relevance as <c>Single</c>: 1 when the candidate is a held-out positive of the user, else 0.</summary>
    public const string Label = "Label";
    /// <summary>The same relevance as <c>Boolean</c>, for binary classifiers.</summary>
    public const string LabelBool = "LabelBool";
    /// <summary>Dense features, a known-size <c>Vector&lt;Single&gt;</c> with slot names (<see cref="PairFeatureBuilder.FeatureNames"/>).</summary>
    public const string Features = "Features";
    /// <summary>1-based rank of the candidate in the candidate generator's list (<c>Single</c>; also feature 1).</summary>
    public const string CandidateRank = "CandidateRank";
    /// <summary>The ranker's output column every ranker must add (<c>Single</c>, higher = better).</summary>
    public const string Score = "Score";
}
