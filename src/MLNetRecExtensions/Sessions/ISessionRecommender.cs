namespace MLNetRecExtensions.Sessions;

/// <summary>
/// A next-item recommender that reads sessions one event at a time: the contract of <see cref="SessionEvaluator"/>,
/// shared by GRU4Rec and the baselines. Item indices are 0-based in <c>[0, <see cref="ItemCount"/>)</c>.
/// </summary>
public interface ISessionRecommender
{
    /// <summary>Name for leaderboards.</summary>
    string Name { get; }

    /// <summary>Size of the catalog the scores cover.</summary>
    int ItemCount { get; }

    /// <summary>A scorer for session-parallel batches of up to <paramref name="maxBatch"/> rows (not thread-safe; one per thread).</summary>
    ISessionScorer CreateScorer(int maxBatch);
}

/// <summary>Scores the next item of session-parallel batches, carrying each row's session state.</summary>
public interface ISessionScorer
{
    /// <summary>
    /// Advances <paramref name="count"/> rows by one event and scores every item as the next one. Row b continues the
    /// session of the previous call's row <c>source[b]</c> (or starts a new session when it is −1; sources satisfy
    /// <c>source[b] ≥ b</c>, see <see cref="SessionBatcher"/>), reads the event <c>inputs[b]</c> and writes
    /// <paramref name="scores"/> <c>[count, ItemCount]</c> row-major (higher is better).
    /// </summary>
    void Score(int count, ReadOnlySpan<int> source, ReadOnlySpan<int> inputs, Span<float> scores);
}
