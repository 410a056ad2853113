namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The POP baseline of the GRU4Rec paper: every prediction ranks items by their number of training events,
/// whatever the session holds.
/// </summary>
public sealed class MostPopularRecommender : ISessionRecommender
{
    private readonly float[] _counts;

    /// <summary>Counts the events of <paramref name="train"/>.</summary>
    public MostPopularRecommender(SessionData train)
    {
        ArgumentNullException.ThrowIfNull(train);
        _counts = train.ItemCounts().Select(c => (float)c).ToArray();
    }

    /// <inheritdoc/>
    public string Name => "Most popular";

    /// <inheritdoc/>
    public int ItemCount => _counts.Length;

    /// <inheritdoc/>
    public ISessionScorer CreateScorer(int maxBatch) => new Scorer(_counts);

    private sealed class Scorer(float[] counts) : ISessionScorer
    {
        public void Score(int count, ReadOnlySpan<int> source, ReadOnlySpan<int> inputs, Span<float> scores)
        {
            for (int b = 0; b < count; b++) counts.CopyTo(scores.Slice(b * counts.Length, counts.Length));
        }
    }
}
