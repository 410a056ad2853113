using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Two-stage recommendation: a candidate generator (any estimator whose fitted transformer is or contains an
/// <see cref="IEmbeddingModel"/>: implicit ALS, matrix factorization, two-tower, popularity) proposes the top N unseen
/// items per user; a ranker (any <see cref="IEstimator{TTransformer}"/> that adds a Single <c>Score</c> to the rows of a
/// <see cref="PairFeatureTable"/>: <c>mlContext.Ranking.Trainers.FastTree("Label", "Features", "GroupId")</c>
/// (LambdaMART), a binary classifier on <c>LabelBool</c>, a regressor on <c>Label</c>, …) re-orders them.
/// </summary>
/// <remarks>
/// <para>Training avoids leakage: the ranker must learn which candidates of a generator that has NOT seen them turn out
/// relevant. So <see cref="Fit"/> splits each user's training interactions into a base part and a ranker-label part
/// (<see cref="TwoStageOptions.LabelSplit"/>), fits the generator on the base part, generates the top N candidates
/// (base items excluded) for every user with ranker labels, labels a candidate 1 when it is in the user's ranker-label
/// part, builds the features against the base history, and fits the ranker on those rows. For serving, the generator
/// is refitted on all training interactions (<see cref="TwoStageOptions.RefitCandidateGenerator"/>) and the features
/// use all training interactions as history. Test interactions are never read by <see cref="Fit"/>.</para>
/// <para>The rows the ranker is trained on are grouped by user (GroupId = user key, groups contiguous), as ML.NET's
/// ranking trainers require. Deterministic for a fixed <see cref="TwoStageOptions.Seed"/> when the generator and the
/// ranker are (ML.NET trainers take their seed from the <see cref="MLContext"/>).</para>
/// </remarks>
public sealed class TwoStageRecommender : Evaluation.IRecommenderTrainer
{
    private readonly IEstimator<ITransformer> _candidateGenerator;
    private readonly IEstimator<ITransformer> _ranker;
    private readonly TwoStageOptions _options;
    private readonly MLContext _mlContext;

    /// <summary>Creates the recommender; the options are validated here.</summary>
    /// <param name="mlContext">The ML.NET context the generator's training data is created in.</param>
    /// <param name="candidateGenerator">Fitted on interactions (key-typed <c>UserId</c>, <c>ItemId</c>, Single <c>Label</c>); must yield an <see cref="IEmbeddingModel"/>.</param>
    /// <param name="ranker">Fitted on pair rows (<see cref="PairFeatureColumns"/>); must add a Single <c>Score</c>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (N &lt; K, K &lt; 1, fraction outside (0, 1)).</exception>
    public TwoStageRecommender(MLContext mlContext, IEstimator<ITransformer> candidateGenerator, IEstimator<ITransformer> ranker,
        TwoStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(candidateGenerator);
        ArgumentNullException.ThrowIfNull(ranker);
        options ??= new TwoStageOptions();
        Validate(options);
        _mlContext = mlContext;
        _candidateGenerator = candidateGenerator;
        _ranker = ranker;
        _options = options;
    }

    /// <summary>
    /// Splits the training interactions per user as <see cref="Fit"/> does: <c>Train</c> of the result is the base part
    /// (the generator's data during ranker training), <c>Test</c> the ranker-label part.
    /// </summary>
    /// <exception cref="InvalidOperationException">A temporal split was asked for but the data has no timestamps.</exception>
    public InteractionSplit SplitForRanker(InteractionData train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return _options.LabelSplit == TwoStageLabelSplit.TemporalPerUser
            ? InteractionSplits.TemporalByUserFraction(train, _options.RankerLabelFraction)
            : InteractionSplits.StratifiedByUser(train, 1 - _options.RankerLabelFraction, _options.Seed);
    }

    /// <summary>Trains the ranker without leakage and prepares the serving generator (see the class remarks).</summary>
    /// <param name="train">Training interactions; test interactions must not be in it.</param>
    /// <exception cref="InvalidOperationException">The generator's model has no embeddings, or the ranker adds no Single <c>Score</c>.</exception>
    /// <exception cref="InvalidDataException">No candidate of the ranker-label part was found, so the ranker has no positive to learn from.</exception>
    public TwoStageModel Fit(InteractionData train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var sources = _options.FeatureSources.ToArray();
        int n = _options.CandidateCount;

        Report(TwoStageStage.SplitTraining, $"{train.Count} interactions, label fraction {_options.RankerLabelFraction}");
        var (basePart, labelPart) = SplitForRanker(train);
        var baseMatrix = UserItemMatrix.FromInteractions(basePart);
        var labelMatrix = UserItemMatrix.FromInteractions(labelPart);

        Report(TwoStageStage.FitCandidateGenerator, $"{basePart.Count} base interactions");
        var watch = Stopwatch.StartNew();
        var baseGenerator = _candidateGenerator.Fit(basePart.ToDataView(_mlContext));
        var baseEmbeddings = RequireEmbeddings(baseGenerator);
        var candidateFit = watch.Elapsed;

        var users = Enumerable.Range(0, labelMatrix.UserCount).Where(u => labelMatrix.ItemsOf(u).Length > 0).ToArray();
        Report(TwoStageStage.GenerateTrainingCandidates, $"{users.Length} users × {n} candidates");
        watch.Restart();
        var candidates = ExactTopK.Recommend(baseEmbeddings, users, n, baseMatrix);
        var generation = watch.Elapsed;

        Report(TwoStageStage.BuildTrainingFeatures, $"{users.Length} users");
        watch.Restart();
        var table = new PairFeatureBuilder(baseMatrix, sources).Build(users, candidates, labelMatrix);
        var building = watch.Elapsed;
        int positives = table.Labels.Count(l => l > 0);
        if (positives == 0)
            throw new InvalidDataException(
                $"None of the {table.RowCount} training candidates ({users.Length} users × top {n}) is in the ranker-label part ({labelPart.Count} interactions), so the ranker has no positive example; raise CandidateCount or RankerLabelFraction.");

        Report(TwoStageStage.FitRanker, $"{table.RowCount} rows, {positives} positives, {table.GroupCount} groups");
        watch.Restart();
        var view = table.ToDataView();
        var ranker = _ranker.Fit(view);
        RequireScore(ranker.GetOutputSchema(view.Schema), ranker.GetType());
        var rankerFit = watch.Elapsed;

        var servingGenerator = baseGenerator;
        var servingEmbeddings = baseEmbeddings;
        var refit = TimeSpan.Zero;
        if (_options.RefitCandidateGenerator)
        {
            Report(TwoStageStage.RefitCandidateGenerator, $"{train.Count} interactions");
            watch.Restart();
            servingGenerator = _candidateGenerator.Fit(train.ToDataView(_mlContext));
            servingEmbeddings = RequireEmbeddings(servingGenerator);
            refit = watch.Elapsed;
        }

        var summary = new TwoStageTrainingSummary(basePart.Count, labelPart.Count, table.RowCount, positives, table.GroupCount,
            candidateFit + refit, refit, generation, building, rankerFit);
        return new TwoStageModel(servingGenerator, servingEmbeddings, ranker,
            new PairFeatureBuilder(UserItemMatrix.FromInteractions(train), sources), n, summary,
            _options.KeepTrainingTable ? table : null, _options.Progress);
    }

    /// <summary>
    /// Fits on <c>split.Train</c> and evaluates on <c>split.Test</c> at K: the serving generator alone (its first K
    /// candidates) vs the re-ranked top K, plus recall@N of the candidates. Every user with a test item is evaluated;
    /// candidates exclude all training items.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Train and test do not share key spaces.</exception>
    public TwoStageReport Evaluate(InteractionSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Train.UserCount != split.Test.UserCount || split.Train.ItemCount != split.Test.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(split),
                $"Train is {split.Train.UserCount} users × {split.Train.ItemCount} items but test is {split.Test.UserCount} × {split.Test.ItemCount}; both must use the same key spaces.");
        var model = Fit(split.Train);
        var test = UserItemMatrix.FromInteractions(split.Test);
        var users = Enumerable.Range(0, test.UserCount).Where(u => test.ItemsOf(u).Length > 0).ToArray();
        var serving = model.Recommend(users, _options.K);

        Report(TwoStageStage.Evaluate, $"{users.Length} test users");
        var candidateLists = new int[]?[test.UserCount];
        var rerankedLists = new int[]?[test.UserCount];
        for (int q = 0; q < users.Length; q++)
        {
            candidateLists[users[q]] = serving.Candidates[q];
            rerankedLists[users[q]] = serving.Reranked[q];
        }
        return new TwoStageReport(
            RankingEvaluator.Evaluate(candidateLists, test, _options.K),
            RankingEvaluator.Evaluate(rerankedLists, test, _options.K),
            RankingEvaluator.Evaluate(candidateLists, test, _options.CandidateCount).Recall,
            _options.CandidateCount, model.Training, serving);
    }

    /// <summary>The transformer itself or the last element of a chain that implements <see cref="IEmbeddingModel"/>.</summary>
    /// <exception cref="InvalidOperationException">There is none.</exception>
    private static IEmbeddingModel RequireEmbeddings(ITransformer generator) =>
        RecommenderComparison.FindEmbeddingModel(generator) ?? throw new InvalidOperationException(
            $"The candidate generator's fitted transformer {generator.GetType().FullName} neither implements IEmbeddingModel nor contains one in a TransformerChain, so it cannot rank the catalog; use a generator with user and item embeddings (ImplicitAls, MatrixFactorization, TwoTower, Popularity).");

    internal static DataViewSchema.Column RequireScore(DataViewSchema output, Type ranker)
    {
        var column = output.GetColumnOrNull(PairFeatureColumns.Score);
        if (column is { Type: NumberDataViewType t } && t == NumberDataViewType.Single) return column.Value;
        throw new InvalidOperationException(
            $"The ranker ({ranker.Name}) must add a Single column '{PairFeatureColumns.Score}', but its output has {(column == null ? "no such column" : $"'{PairFeatureColumns.Score}' of type {column.Value.Type}")} (columns: {string.Join(", ", output.Where(c => !c.IsHidden).Select(c => c.Name))}). ML.NET's ranking, binary classification and regression trainers add one.");
    }

    private void Report(TwoStageStage stage, string detail) => _options.Progress?.Report(new TwoStageProgress(stage, detail));

    private static void Validate(TwoStageOptions options)
    {
        if (options.K < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"TwoStageOptions.K is {options.K}; it must be at least 1.");
        if (options.CandidateCount < options.K)
            throw new ArgumentOutOfRangeException(nameof(options), options.CandidateCount,
                $"TwoStageOptions.CandidateCount (N = {options.CandidateCount}) is below K = {options.K}; the ranker can only re-order N candidates, so N must be at least K.");
        if (!(options.RankerLabelFraction > 0 && options.RankerLabelFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.RankerLabelFraction,
                $"TwoStageOptions.RankerLabelFraction is {options.RankerLabelFraction}; it must be strictly between 0 and 1.");
        if (!Enum.IsDefined(options.LabelSplit))
            throw new ArgumentOutOfRangeException(nameof(options), options.LabelSplit, $"TwoStageOptions.LabelSplit is {options.LabelSplit}, not a defined value.");
        if (options.FeatureSources == null || options.FeatureSources.Any(s => s == null))
            throw new ArgumentOutOfRangeException(nameof(options), "TwoStageOptions.FeatureSources is null or holds null; use an empty list for the core features only.");
    }

    /// <inheritdoc />
    Evaluation.IRecommender Evaluation.IRecommenderTrainer.Fit(InteractionData train) => Fit(train);
}
