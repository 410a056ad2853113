using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// A fitted two-stage recommender (<see cref="TwoStageRecommender.Fit"/>): a candidate generator with embeddings that
/// proposes N unseen items per user, and a ranker that re-orders them by its <c>Score</c>.
/// </summary>
public sealed class TwoStageModel : Evaluation.IRecommender
{
    private readonly IProgress<TwoStageProgress>? _progress;

    internal TwoStageModel(ITransformer candidateTransformer, IEmbeddingModel candidateModel, ITransformer ranker,
        PairFeatureBuilder features, int candidateCount, TwoStageTrainingSummary training, PairFeatureTable? trainingTable,
        IProgress<TwoStageProgress>? progress)
    {
        CandidateTransformer = candidateTransformer;
        CandidateModel = candidateModel;
        Ranker = ranker;
        Features = features;
        CandidateCount = candidateCount;
        Training = training;
        TrainingTable = trainingTable;
        _progress = progress;
    }

    /// <summary>The serving candidate generator as fitted (a transformer that is or contains <see cref="CandidateModel"/>).</summary>
    public ITransformer CandidateTransformer { get; }

    /// <summary>The serving candidate generator's embeddings.</summary>
    public IEmbeddingModel CandidateModel { get; }

    /// <summary>The fitted ranker; it reads the columns of <see cref="PairFeatureColumns"/> and adds a Single <c>Score</c>.</summary>
    public ITransformer Ranker { get; }

    /// <summary>The serving feature builder, bound to <see cref="History"/>.</summary>
    public PairFeatureBuilder Features { get; }

    /// <summary>All training interactions: excluded from the candidates and used for the history features.</summary>
    public UserItemMatrix History => Features.History;

    /// <summary>Candidates N per user.</summary>
    public int CandidateCount { get; }

    /// <summary>Sizes and timings of the training.</summary>
    public TwoStageTrainingSummary Training { get; }

    /// <summary>The ranker's training rows when <see cref="TwoStageOptions.KeepTrainingTable"/> was set, else null.</summary>
    public PairFeatureTable? TrainingTable { get; }

    /// <summary>
    /// Recommends <paramref name="k"/> items to each of <paramref name="users"/> (0-based, each once): the generator's
    /// top N unseen items, scored by the ranker, sorted by score descending (ties and NaN scores: candidate order,
    /// NaN last), first k kept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1 or k &gt; N, or a user is out of range or repeated.</exception>
    public TwoStageRecommendations Recommend(IReadOnlyList<int> users, int k)
    {
        ArgumentNullException.ThrowIfNull(users);
        if (k < 1 || k > CandidateCount)
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"k must be between 1 and the candidate count N = {CandidateCount}: the ranker can only re-order the N candidates. Raise TwoStageOptions.CandidateCount or lower k.");

        _progress?.Report(new TwoStageProgress(TwoStageStage.GenerateCandidates, $"{users.Count} users × {CandidateCount} candidates"));
        var watch = Stopwatch.StartNew();
        var candidates = ExactTopK.Recommend(CandidateModel, users, CandidateCount, History);
        var generation = watch.Elapsed;

        _progress?.Report(new TwoStageProgress(TwoStageStage.BuildFeatures, $"{users.Count} users"));
        watch.Restart();
        var table = Features.Build(users, candidates);
        var building = watch.Elapsed;

        _progress?.Report(new TwoStageProgress(TwoStageStage.Score, $"{table.RowCount} rows"));
        watch.Restart();
        var scores = ReadScores(Ranker, Ranker.Transform(table.ToDataView()));
        var (reranked, rerankedScores) = Rerank(users, table, scores, k);
        var scoring = watch.Elapsed;

        var lists = new int[users.Count][];
        for (int q = 0; q < users.Count; q++) lists[q] = candidates.ItemsOf(q).ToArray();
        return new TwoStageRecommendations(users.ToArray(), lists, reranked, rerankedScores, generation, building, scoring);
    }

    /// <summary>Reads the ranker's Single <c>Score</c> column, one value per row in row order.</summary>
    /// <exception cref="InvalidOperationException">There is no Single <c>Score</c> column.</exception>
    internal static float[] ReadScores(ITransformer ranker, IDataView scored)
    {
        var column = TwoStageRecommender.RequireScore(scored.Schema, ranker.GetType());
        return scored.GetColumn<float>(column).ToArray();
    }

    private static (int[][] Items, float[][] Scores) Rerank(IReadOnlyList<int> users, PairFeatureTable table, float[] scores, int k)
    {
        if (scores.Length != table.RowCount)
            throw new InvalidOperationException($"The ranker returned {scores.Length} scores for {table.RowCount} rows; it must keep one output row per input row.");
        var queryOf = new Dictionary<int, int>(users.Count);
        for (int q = 0; q < users.Count; q++) queryOf[users[q]] = q;
        var result = new int[users.Count][];
        var resultScores = new float[users.Count][];
        Array.Fill(result, []);
        Array.Fill(resultScores, []);
        for (int g = 0; g < table.GroupCount; g++)
        {
            int start = table.GroupStarts[g], end = table.GroupStarts[g + 1];
            var rows = Enumerable.Range(start, end - start).ToArray();
            // Rows of a group are in candidate order, so the row index breaks ties by candidate rank.
            Array.Sort(rows, (x, y) =>
            {
                float sx = float.IsNaN(scores[x]) ? float.NegativeInfinity : scores[x];
                float sy = float.IsNaN(scores[y]) ? float.NegativeInfinity : scores[y];
                int c = sy.CompareTo(sx);
                if (c == 0 && float.IsNaN(scores[x]) != float.IsNaN(scores[y])) c = float.IsNaN(scores[x]) ? 1 : -1;
                return c != 0 ? c : x.CompareTo(y);
            });
            int q = queryOf[table.Users[start]];
            result[q] = rows.Take(k).Select(r => table.Items[r]).ToArray();
            resultScores[q] = rows.Take(k).Select(r => scores[r]).ToArray();
        }
        return (result, resultScores);
    }

    /// <summary>The re-ranked top <paramref name="k"/> of <see cref="Recommend(IReadOnlyList{int}, int)"/>, for the comparison harness.</summary>
    int[][] Evaluation.IRecommender.Recommend(IReadOnlyList<int> users, int k) => Recommend(users, k).Reranked;
}
