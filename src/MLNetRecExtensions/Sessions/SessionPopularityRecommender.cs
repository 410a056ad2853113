namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The S-POP baseline of the GRU4Rec paper: items already clicked in the current session first, by how often they were
/// clicked in it; ties and all other items by training popularity. Score = session count + popularity / (max
/// popularity + 1), so the popularity part is below 1 and only breaks ties.
/// </summary>
public sealed class SessionPopularityRecommender : ISessionRecommender
{
    private readonly float[] _popularity;

    /// <summary>Counts the events of <paramref name="train"/>.</summary>
    public SessionPopularityRecommender(SessionData train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var counts = train.ItemCounts();
        double max = counts.Max();
        _popularity = counts.Select(c => (float)(c / (max + 1))).ToArray();
    }

    /// <inheritdoc/>
    public string Name => "Session popularity";

    /// <inheritdoc/>
    public int ItemCount => _popularity.Length;

    /// <inheritdoc/>
    public ISessionScorer CreateScorer(int maxBatch) => new Scorer(_popularity, maxBatch);

    private sealed class Scorer : ISessionScorer
    {
        private readonly float[] _popularity;
        private readonly List<int>[] _sessions;

        public Scorer(float[] popularity, int maxBatch)
        {
            _popularity = popularity;
            _sessions = Enumerable.Range(0, maxBatch).Select(_ => new List<int>()).ToArray();
        }

        public void Score(int count, ReadOnlySpan<int> source, ReadOnlySpan<int> inputs, Span<float> scores)
        {
            int n = _popularity.Length;
            for (int b = 0; b < count; b++)
            {
                int src = source[b];
                if (src < 0) _sessions[b].Clear();
                else if (src != b) (_sessions[b], _sessions[src]) = (_sessions[src], _sessions[b]);
                _sessions[b].Add(inputs[b]);
                var row = scores.Slice(b * n, n);
                _popularity.CopyTo(row);
                foreach (int item in _sessions[b]) row[item] += 1f;
            }
        }
    }
}
