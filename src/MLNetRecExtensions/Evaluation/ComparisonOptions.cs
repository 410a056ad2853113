namespace MLNetRecExtensions.Evaluation;

/// <summary>Options of <see cref="RecommenderComparison.Run"/>.</summary>
public sealed class ComparisonOptions
{
    /// <summary>
    /// Length of every recommendation list (the K of the @K metrics). Default 10. A K larger than the catalog is
    /// allowed but lists then hold every unseen item, Precision@K still divides by K, and
    /// <see cref="Leaderboard.Warnings"/> says so.
    /// </summary>
    public int K { get; set; } = 10;

    /// <summary>
    /// Group label of every item (by item index), e.g. from the synthetic colored-groups dataset; when set, the
    /// leaderboard includes the folding score. Default null.
    /// </summary>
    public int[]? ItemGroups { get; set; }

    /// <summary>
    /// Models without an <see cref="Retrieval.IEmbeddingModel"/> are ranked by scoring (user, item) rows through
    /// their transformer; this many users' candidate rows are scored per batch. Default 256.
    /// </summary>
    public int PairScoringBatchUsers { get; set; } = 256;

    /// <summary>
    /// Builds the <see cref="Microsoft.ML.IDataView"/> every model is fitted on and scored with from interactions, e.g.
    /// to join side-feature columns (<see cref="Data.MovieLensSideFeatures.ToDataView"/>) that feature-aware models
    /// read. It must keep the <c>UserId</c>, <c>ItemId</c> and <c>Label</c> columns of
    /// <see cref="Data.InteractionData.ToDataView"/>. Default null: <see cref="Data.InteractionData.ToDataView"/>.
    /// </summary>
    public Func<Data.InteractionData, Microsoft.ML.IDataView>? DataViewFactory { get; set; }

    /// <summary>Receives a report as each model starts fitting, recommending and evaluating. Default null.</summary>
    public IProgress<ComparisonProgress>? Progress { get; set; }
}

/// <summary>Progress of a comparison: model <see cref="ModelIndex"/> of <see cref="ModelCount"/> entered <see cref="Stage"/>.</summary>
/// <param name="Model">Name of the model.</param>
/// <param name="Stage">"fit", "recommend", "evaluate" or "done".</param>
/// <param name="ModelIndex">0-based index of the model.</param>
/// <param name="ModelCount">Number of models compared.</param>
public sealed record ComparisonProgress(string Model, string Stage, int ModelIndex, int ModelCount);
