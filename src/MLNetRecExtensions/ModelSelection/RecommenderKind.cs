namespace MLNetRecExtensions.ModelSelection;

/// <summary>The model families <see cref="RecommenderSearch"/> tries.</summary>
public enum RecommenderKind
{
    /// <summary>Most popular unseen items (<c>Trainers.Popularity()</c>); no settings.</summary>
    Popularity = 0,
    /// <summary>Implicit weighted ALS (<c>Trainers.ImplicitAls</c>): ApproximationRank, Lambda, Alpha, NumberOfIterations.</summary>
    ImplicitAls = 1,
    /// <summary>Explicit matrix factorization with biases (<c>Trainers.MatrixFactorization</c>): ApproximationRank, Lambda, NumberOfIterations, LearningRate. Only tried on rated data.</summary>
    MatrixFactorization = 2,
    /// <summary>Two-tower retrieval (<c>Trainers.TwoTower</c>): EmbeddingDimension, NumberOfEpochs, Temperature, LearningRate.</summary>
    TwoTower = 3,
    /// <summary>Two-stage: implicit ALS candidates (its settings) re-ranked by the ranker of <see cref="RecommenderSearchOptions.TwoStageRanker"/>; CandidateCount.</summary>
    TwoStage = 4,
}
