namespace MLNetRecExtensions.Ranking;

/// <summary>How <see cref="TwoStageRecommender"/> splits each user's training interactions into a base part and a ranker-label part.</summary>
public enum TwoStageLabelSplit
{
    /// <summary>Per user, a seeded random share (<see cref="TwoStageOptions.RankerLabelFraction"/>, rounded down) goes to the label part; every user keeps at least one base row.</summary>
    RandomPerUser,
    /// <summary>Per user, the latest share by timestamp (rounded down) goes to the label part; needs timestamps.</summary>
    TemporalPerUser,
}

/// <summary>Options of <see cref="TwoStageRecommender"/>.</summary>
public sealed class TwoStageOptions
{
    /// <summary>Candidates N generated per user and re-ranked (≥ <see cref="K"/>). Default 100.</summary>
    public int CandidateCount { get; set; } = 100;

    /// <summary>Length of the final lists and the cut-off of the reported metrics (≥ 1). Default 10.</summary>
    public int K { get; set; } = 10;

    /// <summary>How the training interactions are split into base and ranker-label parts. Default <see cref="TwoStageLabelSplit.RandomPerUser"/>.</summary>
    public TwoStageLabelSplit LabelSplit { get; set; } = TwoStageLabelSplit.RandomPerUser;

    /// <summary>Share of each user's training interactions that becomes ranker labels, in (0, 1). Default 0.2.</summary>
    public double RankerLabelFraction { get; set; } = 0.2;

    /// <summary>
    /// True (default): after the ranker is trained, the candidate generator is fitted again on all training
    /// interactions for serving. False: the generator fitted on the base part serves (the ranker then sees exactly the
    /// score distribution it was trained on, but the generator misses the label part's interactions).
    /// </summary>
    public bool RefitCandidateGenerator { get; set; } = true;

    /// <summary>Seed of the random base/label split. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Extra pair features (e.g. <see cref="MovieLensPairFeatureSource"/>); empty for the core features only.</summary>
    public IList<IPairFeatureSource> FeatureSources { get; set; } = new List<IPairFeatureSource>();

    /// <summary>Keep the ranker's training rows in <see cref="TwoStageModel.TrainingTable"/> (for inspection). Default false.</summary>
    public bool KeepTrainingTable { get; set; }

    /// <summary>Receives a report as each stage starts, or null.</summary>
    public IProgress<TwoStageProgress>? Progress { get; set; }
}
