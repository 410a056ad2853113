using System.Numerics;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The GRU4Rec evaluation protocol: every test session is replayed event by event (state carried), and after each
/// event the next item is ranked against the WHOLE catalog; items unknown to the model are removed from the test data
/// beforehand (the caller maps them to −1, <see cref="SessionData"/> drops and counts them). Ties count against the
/// target (conservative): rank = number of items whose score is ≥ the target's, so a constant scorer gets rank
/// <c>ItemCount</c>; a NaN target score gets the worst rank.
/// </summary>
public static class SessionEvaluator
{
    /// <summary>The default list lengths: 1, 5, 10, 20.</summary>
    public static IReadOnlyList<int> DefaultCutoffs { get; } = [1, 5, 10, 20];

    /// <summary>Recall@N and MRR@N of <paramref name="recommender"/> on <paramref name="test"/>.</summary>
    /// <param name="recommender">The model or baseline.</param>
    /// <param name="test">Test sessions over the recommender's catalog.</param>
    /// <param name="cutoffs">List lengths N (default 1, 5, 10, 20), each ≥ 1.</param>
    /// <param name="batchSize">Sessions replayed side by side (the result does not depend on it). Default 256.</param>
    /// <exception cref="ArgumentException">The catalogs differ or a cutoff is below 1.</exception>
    public static SessionMetrics Evaluate(ISessionRecommender recommender, SessionData test, IReadOnlyList<int>? cutoffs = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        ArgumentNullException.ThrowIfNull(test);
        var cuts = (cutoffs ?? DefaultCutoffs).ToArray();
        if (cuts.Length == 0 || cuts.Any(c => c < 1)) throw new ArgumentException("Cutoffs must be ≥ 1.", nameof(cutoffs));
        if (test.ItemCount != recommender.ItemCount)
            throw new ArgumentException($"The test data covers {test.ItemCount} items but '{recommender.Name}' scores {recommender.ItemCount}; map the test items onto the model's catalog (SessionData.MapItems).", nameof(test));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int n = recommender.ItemCount;
        var scorer = recommender.CreateScorer(batchSize);
        var batcher = new SessionBatcher(test, batchSize);
        var scores = new float[(long)batchSize * n];
        var recall = new double[cuts.Length];
        var mrr = new double[cuts.Length];
        long predictions = 0;
        while (batcher.Next())
        {
            int b = batcher.Count;
            scorer.Score(b, batcher.Source.AsSpan(0, b), batcher.Inputs.AsSpan(0, b), scores.AsSpan(0, b * n));
            for (int r = 0; r < b; r++)
            {
                int rank = Rank(scores.AsSpan(r * n, n), batcher.Targets[r]);
                for (int c = 0; c < cuts.Length; c++)
                    if (rank <= cuts[c]) { recall[c]++; mrr[c] += 1.0 / rank; }
            }
            predictions += b;
        }
        for (int c = 0; c < cuts.Length; c++) { recall[c] /= Math.Max(predictions, 1); mrr[c] /= Math.Max(predictions, 1); }
        return new SessionMetrics(recommender.Name, cuts, recall, mrr, predictions);
    }

    /// <summary>Conservative rank of <paramref name="target"/>: the number of scores ≥ its score (NaN: the catalog size).</summary>
    public static int Rank(ReadOnlySpan<float> scores, int target)
    {
        float t = scores[target];
        if (float.IsNaN(t)) return scores.Length;
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vt = new Vector<float>(t);
            var acc = Vector<int>.Zero;
            for (; i <= scores.Length - Vector<float>.Count; i += Vector<float>.Count)
                acc -= Vector.GreaterThanOrEqual(new Vector<float>(scores[i..]), vt);
            count = Vector.Sum(acc);
        }
        for (; i < scores.Length; i++) if (scores[i] >= t) count++;
        return count;
    }
}
