namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The item-kNN baseline of the GRU4Rec paper: the items most similar to the session's LAST item, with similarity
/// from session co-occurrence, <c>sim(i, j) = co(i, j) / (λ + √(s_i·s_j))</c>, where co counts the training sessions
/// holding both items, s_i the sessions holding i, and λ (default 20) shrinks rare pairs (session-rec's ItemKNN).
/// Items that never co-occur are ranked by popularity: their score is <c>10⁻⁶·popularity / max popularity</c>, below
/// every co-occurring item's (the first similarity is ≥ 1/(λ + s_max) ≫ 10⁻⁶ for catalogs under ~10⁵ sessions per item).
/// </summary>
public sealed class ItemKnnRecommender : ISessionRecommender
{
    private readonly int[] _offsets;
    private readonly int[] _neighbors;
    private readonly float[] _similarities;
    private readonly float[] _fallback;

    /// <summary>Builds the co-occurrence table of <paramref name="train"/>.</summary>
    /// <param name="train">Training sessions.</param>
    /// <param name="lambda">Shrinkage λ ≥ 0 (default 20).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is negative or not finite.</exception>
    public ItemKnnRecommender(SessionData train, double lambda = 20)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be a finite number ≥ 0.");
        int n = train.ItemCount;
        var support = new double[n];
        var pairs = new Dictionary<long, int>();
        var distinct = new HashSet<int>();
        for (int s = 0; s < train.SessionCount; s++)
        {
            distinct.Clear();
            foreach (int i in train.Session(s)) distinct.Add(i);
            var items = distinct.ToArray();
            foreach (int i in items) support[i]++;
            for (int a = 0; a < items.Length; a++)
                for (int c = 0; c < items.Length; c++)
                    if (a != c) { long key = (long)items[a] * n + items[c]; pairs[key] = pairs.GetValueOrDefault(key) + 1; }
        }
        var entries = pairs.OrderBy(p => p.Key).ToArray();
        _offsets = new int[n + 1];
        _neighbors = new int[entries.Length];
        _similarities = new float[entries.Length];
        for (int e = 0; e < entries.Length; e++)
        {
            int i = (int)(entries[e].Key / n), j = (int)(entries[e].Key % n);
            _offsets[i + 1]++;
            _neighbors[e] = j;
            _similarities[e] = (float)(entries[e].Value / (lambda + Math.Sqrt(support[i] * support[j])));
        }
        for (int i = 0; i < n; i++) _offsets[i + 1] += _offsets[i];
        var counts = train.ItemCounts();
        double max = counts.Max();
        _fallback = counts.Select(c => (float)(1e-6 * c / max)).ToArray();
        Lambda = lambda;
    }

    /// <summary>The shrinkage λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc/>
    public string Name => "Item-kNN";

    /// <inheritdoc/>
    public int ItemCount => _fallback.Length;

    /// <summary>Similarity of <paramref name="item"/> to <paramref name="other"/> (0 when they never co-occur).</summary>
    public float Similarity(int item, int other)
    {
        int at = Array.BinarySearch(_neighbors, _offsets[item], _offsets[item + 1] - _offsets[item], other);
        return at >= 0 ? _similarities[at] : 0f;
    }

    /// <inheritdoc/>
    public ISessionScorer CreateScorer(int maxBatch) => new Scorer(this);

    private sealed class Scorer(ItemKnnRecommender model) : ISessionScorer
    {
        public void Score(int count, ReadOnlySpan<int> source, ReadOnlySpan<int> inputs, Span<float> scores)
        {
            int n = model.ItemCount;
            for (int b = 0; b < count; b++)
            {
                var row = scores.Slice(b * n, n);
                model._fallback.CopyTo(row);
                int last = inputs[b];
                for (int e = model._offsets[last]; e < model._offsets[last + 1]; e++) row[model._neighbors[e]] += model._similarities[e];
            }
        }
    }
}
