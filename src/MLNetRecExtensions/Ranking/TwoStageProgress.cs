namespace MLNetRecExtensions.Ranking;

/// <summary>The stages of <see cref="TwoStageRecommender"/>, in the order they run.</summary>
public enum TwoStageStage
{
    /// <summary>Splitting the training interactions into base and ranker-label parts.</summary>
    SplitTraining,
    /// <summary>Fitting the candidate generator on the base part.</summary>
    FitCandidateGenerator,
    /// <summary>Generating the ranker's training candidates from the base-part generator.</summary>
    GenerateTrainingCandidates,
    /// <summary>Building the ranker's training rows.</summary>
    BuildTrainingFeatures,
    /// <summary>Fitting the ranker.</summary>
    FitRanker,
    /// <summary>Refitting the candidate generator on all training interactions.</summary>
    RefitCandidateGenerator,
    /// <summary>Generating candidates for the users to recommend to.</summary>
    GenerateCandidates,
    /// <summary>Building their pair features.</summary>
    BuildFeatures,
    /// <summary>Scoring the candidates with the ranker and sorting.</summary>
    Score,
    /// <summary>Computing the metrics.</summary>
    Evaluate,
}

/// <summary>Progress of a two-stage fit or evaluation: <see cref="Stage"/> has started.</summary>
/// <param name="Stage">The stage that starts.</param>
/// <param name="Detail">Sizes known at that point (rows, users), for display.</param>
public sealed record TwoStageProgress(TwoStageStage Stage, string Detail);
