using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Recommends with a model that has no embeddings: a transformer that scores (user, item) rows (every unseen item of
/// a user is scored; the slow but universal path, e.g. ML.NET's own MatrixFactorizationTrainer), or a
/// <see cref="TwoStageModel"/> (candidates from its generator, re-ordered by its ranker).
/// </summary>
/// <remarks>
/// A two-stage model returns at most its <see cref="TwoStageModel.CandidateCount"/> items per user and always leaves
/// the training items out (<c>excludeSeen: false</c> throws <see cref="NotSupportedException"/>); its score is the
/// ranker's.
/// </remarks>
/// <typeparam name="TUser">The original user id type.</typeparam>
/// <typeparam name="TItem">The original item id type.</typeparam>
public sealed class ScoringRecommender<TUser, TItem> : RecommenderBase<TUser, TItem> where TUser : notnull where TItem : notnull
{
    private readonly Func<int[], int, bool, TopKResult> _rank;

    /// <summary>A recommender over a transformer that adds a Single <c>Score</c> to rows with key-typed
    /// <c>UserId</c> and <c>ItemId</c> columns (the cardinalities of <paramref name="seen"/>).</summary>
    /// <param name="mlContext">The ML.NET context the candidate rows are created in.</param>
    /// <param name="model">The fitted scoring transformer.</param>
    /// <param name="users">User ids by index.</param>
    /// <param name="items">Item ids by index.</param>
    /// <param name="seen">Training interactions, users × items.</param>
    /// <param name="options">Batch size of the pair scoring; null for the defaults.</param>
    public ScoringRecommender(MLContext mlContext, ITransformer model, IdMapping<TUser> users, IdMapping<TItem> items,
        UserItemMatrix seen, RecommenderOptions? options = null) : base(users, items, seen)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        int batch = (options ?? new RecommenderOptions()).PairScoringBatchUsers;
        _rank = (u, k, excludeSeen) => PairScoreRanking.Rank(model, u, seen.UserCount, seen.ItemCount, k,
            excludeSeen ? seen : null, batch, d => d.ToDataView(mlContext));
    }

    /// <summary>A recommender over a fitted two-stage model; its <see cref="TwoStageModel.History"/> is the training data.</summary>
    /// <param name="model">The fitted two-stage model.</param>
    /// <param name="users">User ids by index (the key space the model was trained on).</param>
    /// <param name="items">Item ids by index.</param>
    public ScoringRecommender(TwoStageModel model, IdMapping<TUser> users, IdMapping<TItem> items)
        : base(users, items, (model ?? throw new ArgumentNullException(nameof(model))).History)
    {
        _rank = (u, k, excludeSeen) =>
        {
            if (!excludeSeen)
                throw new NotSupportedException("A two-stage model always leaves the training items out of its candidates; call with excludeSeen: true.");
            int n = Math.Min(k, model.CandidateCount);
            var served = model.Recommend(u, n);
            var (itemsOut, scoresOut) = TopKResult.PaddedArrays(u.Length, k);
            for (int q = 0; q < u.Length; q++)
            {
                served.Reranked[q].CopyTo(itemsOut.AsSpan(q * k));
                served.RerankedScores[q].CopyTo(scoresOut.AsSpan(q * k));
            }
            return new TopKResult(u.Length, k, itemsOut, scoresOut);
        };
    }

    /// <inheritdoc />
    protected override TopKResult RankKnownUsers(int[] users, int k, bool excludeSeen) => _rank(users, k, excludeSeen);
}
