using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// Fits several named estimators on one split and scores them with the same top-K metrics, side by side.
/// </summary>
/// <remarks>
/// <para>The contract: every estimator is fitted on the training split as an <see cref="IDataView"/> with key-typed
/// <c>UserId</c> and <c>ItemId</c> columns and a <c>Single</c> <c>Label</c> (see <see cref="InteractionColumns"/>), and
/// its transformer must add a <c>Single</c> <c>Score</c> column for (user, item) rows. That is all ML.NET's own
/// <c>MatrixFactorizationTrainer</c> needs, so it plugs in unchanged:
/// <c>mlContext.Recommendation().Trainers.MatrixFactorization("Label", "ItemId", "UserId")</c>.</para>
/// <para>A transformer that also implements <see cref="IEmbeddingModel"/> (itself or the last such element of a
/// <see cref="TransformerChain{TLastTransformer}"/>) is ranked over the whole catalog with <see cref="ExactTopK"/>;
/// any other is ranked by scoring every (user, unseen item) row through <see cref="ITransformer.Transform"/>.</para>
/// </remarks>
public sealed class RecommenderComparison
{
    private readonly MLContext _mlContext;
    // Each model is either an ML.NET estimator or an IRecommenderTrainer.
    private readonly List<(string Name, IEstimator<ITransformer>? Estimator, IRecommenderTrainer? Trainer, bool PredictsRatings)> _models = [];

    /// <summary>Creates an empty comparison.</summary>
    public RecommenderComparison(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        _mlContext = mlContext;
    }

    /// <summary>Names of the models added so far.</summary>
    public IReadOnlyList<string> ModelNames => _models.Select(m => m.Name).ToList();

    /// <summary>Adds a model.</summary>
    /// <param name="name">Name shown in the leaderboard; unique.</param>
    /// <param name="estimator">Any estimator following the contract in the remarks.</param>
    /// <param name="predictsRatings">True when <c>Score</c> predicts the label (e.g. explicit MF): RMSE/MAE are reported.</param>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    public RecommenderComparison Add(string name, IEstimator<ITransformer> estimator, bool predictsRatings = false)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return Add(name, estimator, null, predictsRatings);
    }

    /// <summary>Adds a recommender that is not a single ML.NET estimator (ranked by its own <see cref="IRecommender.Recommend"/>).</summary>
    /// <exception cref="ArgumentException">The name is empty or already used.</exception>
    public RecommenderComparison Add(string name, IRecommenderTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return Add(name, null, trainer, predictsRatings: false);
    }

    private RecommenderComparison Add(string name, IEstimator<ITransformer>? estimator, IRecommenderTrainer? trainer, bool predictsRatings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_models.Any(m => m.Name == name)) throw new ArgumentException($"A model named '{name}' was already added.", nameof(name));
        _models.Add((name, estimator, trainer, predictsRatings));
        return this;
    }

    /// <summary>Fits and evaluates every model on <paramref name="split"/>.</summary>
    /// <param name="split">Train and test interactions over the same key spaces.</param>
    /// <param name="dataset">Description of the data shown in the leaderboard.</param>
    /// <param name="options">K, group labels, progress.</param>
    /// <exception cref="InvalidOperationException">No model was added, or a model's output has no <c>Single</c> <c>Score</c>.</exception>
    /// <exception cref="InvalidDataException">The split cannot be evaluated: train or test is empty, or the catalog has a
    /// single item (the message names the cause and what is needed).</exception>
    public Leaderboard Run(InteractionSplit split, string dataset, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        options ??= new ComparisonOptions();
        if (options.K < 1) throw new ArgumentOutOfRangeException(nameof(options), options.K, $"{nameof(ComparisonOptions.K)} must be at least 1.");
        if (_models.Count == 0) throw new InvalidOperationException("No model to compare: call Add first.");
        if (split.Train.UserCount != split.Test.UserCount || split.Train.ItemCount != split.Test.ItemCount)
            throw new ArgumentException("Train and test must share the same user and item key spaces.", nameof(split));
        if (options.ItemGroups != null && options.ItemGroups.Length != split.Train.ItemCount)
            throw new ArgumentException($"{nameof(ComparisonOptions.ItemGroups)} has {options.ItemGroups.Length} entries for {split.Train.ItemCount} items.", nameof(options));
        var warnings = ComparisonChecks.Check(split, options.K);

        Func<InteractionData, IDataView> toView = options.DataViewFactory ?? (d => d.ToDataView(_mlContext));
        var trainView = toView(split.Train);
        var testView = toView(split.Test);
        var seen = UserItemMatrix.FromInteractions(split.Train);
        var test = UserItemMatrix.FromInteractions(split.Test);
        var users = Enumerable.Range(0, test.UserCount).Where(u => test.RowStart[u + 1] > test.RowStart[u]).ToArray();
        var evaluation = new RankingEvaluationOptions
        {
            ItemGroups = options.ItemGroups,
            InteractedItems = options.ItemGroups == null ? null : UserItemMatrix.FromInteractions(split.Combined()),
        };

        var entries = new List<LeaderboardEntry>();
        for (int m = 0; m < _models.Count; m++)
        {
            var (name, estimator, trainer, predictsRatings) = _models[m];
            void Report(string stage) => options.Progress?.Report(new ComparisonProgress(name, stage, m, _models.Count));

            Report("fit");
            var watch = Stopwatch.StartNew();
            var model = estimator?.Fit(trainView);
            var recommender = trainer?.Fit(split.Train);
            double fitSeconds = watch.Elapsed.TotalSeconds;

            Report("recommend");
            watch.Restart();
            var embedding = model == null ? null : FindEmbeddingModel(model);
            string path = recommender != null ? "own" : embedding != null ? "embeddings" : "pairs";
            var ranked = path switch
            {
                "own" => RankByRecommender(recommender!, users, seen.UserCount, options.K),
                "embeddings" => RankByEmbeddings(embedding!, users, seen, options.K),
                _ => RankByPairScores(model!, users, seen, options.K, options.PairScoringBatchUsers, toView),
            };
            double microsPerUser = users.Length == 0 ? 0 : watch.Elapsed.TotalMicroseconds / users.Length;

            Report("evaluate");
            var ranking = RankingEvaluator.Evaluate(ranked, test, options.K, evaluation);
            var rating = predictsRatings ? EvaluateRatings(model!, testView, split.Test.Labels) : null;
            entries.Add(new LeaderboardEntry(name, ranking, rating, fitSeconds, microsPerUser, path));
            Report("done");
        }
        return new Leaderboard(dataset, options.K, entries, warnings);
    }

    /// <summary>The transformer itself or the last element of a chain that implements <see cref="IEmbeddingModel"/>.</summary>
    public static IEmbeddingModel? FindEmbeddingModel(ITransformer transformer) => transformer switch
    {
        IEmbeddingModel e => e,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(FindEmbeddingModel).FirstOrDefault(e => e != null),
        _ => null,
    };

    private static int[]?[] RankByRecommender(IRecommender recommender, int[] users, int userCount, int k)
    {
        var lists = recommender.Recommend(users, k);
        var ranked = new int[]?[userCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = lists[q];
        return ranked;
    }

    private static int[]?[] RankByEmbeddings(IEmbeddingModel model, int[] users, UserItemMatrix seen, int k)
    {
        var result = ExactTopK.Recommend(model, users, k, seen);
        var ranked = new int[]?[seen.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = result.ItemsOf(q).ToArray();
        return ranked;
    }

    private static int[]?[] RankByPairScores(ITransformer model, int[] users, UserItemMatrix seen, int k, int batchUsers,
        Func<InteractionData, IDataView> toView)
    {
        var result = Recommendation.PairScoreRanking.Rank(model, users, seen.UserCount, seen.ItemCount, k, seen, batchUsers, toView);
        var ranked = new int[]?[seen.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = result.ItemsOf(q).ToArray();
        return ranked;
    }

    private static RatingReport EvaluateRatings(ITransformer model, IDataView test, float[] labels) =>
        RatingEvaluator.Evaluate(Recommendation.PairScoreRanking.ReadScores(model.Transform(test)), labels);
}
