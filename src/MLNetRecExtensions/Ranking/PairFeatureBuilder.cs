using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Builds the ranker's rows for (user, candidate item) pairs: <see cref="CoreFeatureCount"/> core features that need
/// no side data, followed by each <see cref="IPairFeatureSource"/>'s features and key columns.
/// <para>
/// Core features, in slot order (counts are taken from the history the builder was created with):
/// <list type="number">
/// <item><c>CandidateScore</c>: the candidate generator's score.</item>
/// <item><c>CandidateRank</c>: 1-based position in the user's candidate list.</item>
/// <item><c>CandidateScoreGap</c>: the user's best candidate score minus this score (≥ 0).</item>
/// <item><c>CandidateScoreZ</c>: the score standardised over the user's candidates, <c>(score − mean) / std</c> (0 when
/// they all score the same): comparable across users, which a model trained on all users' rows at once (a binary
/// classifier) needs.</item>
/// <item><c>LogItemPopularity</c>: <c>ln((1 + n_i) / (1 + mean_i n_i))</c>, n_i = users of item i in the history.</item>
/// <item><c>LogUserActivity</c>: <c>ln((1 + n_u) / (1 + mean_u n_u))</c>, n_u = items of user u in the history.</item>
/// </list>
/// Popularity and activity are relative to their means so that the ranker sees the same scale when trained on the
/// smaller base history and served with the full one.
/// </para>
/// </summary>
public sealed class PairFeatureBuilder
{
    /// <summary>Number of core features (slots 0..5, see the class remarks).</summary>
    public const int CoreFeatureCount = 6;

    /// <summary>Names of the core feature slots.</summary>
    public static readonly IReadOnlyList<string> CoreFeatureNames =
        ["CandidateScore", "CandidateRank", "CandidateScoreGap", "CandidateScoreZ", "LogItemPopularity", "LogUserActivity"];

    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal)
    {
        PairFeatureColumns.User, PairFeatureColumns.Item, PairFeatureColumns.GroupId, PairFeatureColumns.Label,
        PairFeatureColumns.LabelBool, PairFeatureColumns.Features, PairFeatureColumns.CandidateRank, PairFeatureColumns.Score,
    };

    private readonly UserItemMatrix _history;
    private readonly IPairFeatureSource[] _sources;
    private readonly int[] _sourceOffsets;
    private readonly float[] _logItemPopularity;
    private readonly float[] _logUserActivity;

    /// <summary>Creates a builder for pairs scored against <paramref name="history"/>.</summary>
    /// <param name="history">Interactions known at this stage (users × items); defines the key spaces and the counts.</param>
    /// <param name="sources">Extra feature providers, or null for the core features only.</param>
    /// <exception cref="ArgumentOutOfRangeException">Two key columns share a name, or a key column uses a reserved column name.</exception>
    public PairFeatureBuilder(UserItemMatrix history, IEnumerable<IPairFeatureSource>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        _history = history;
        _sources = sources?.ToArray() ?? [];
        var names = new List<string>(CoreFeatureNames);
        var keyColumns = new List<PairFeatureKeyColumn>();
        var keyNames = new HashSet<string>(StringComparer.Ordinal);
        _sourceOffsets = new int[_sources.Length + 1];
        for (int s = 0; s < _sources.Length; s++)
        {
            var source = _sources[s] ?? throw new ArgumentNullException(nameof(sources), $"sources[{s}] is null.");
            _sourceOffsets[s] = names.Count;
            names.AddRange(source.FeatureNames);
            foreach (var column in source.KeyColumns)
            {
                if (ReservedNames.Contains(column.Name) || !keyNames.Add(column.Name))
                    throw new ArgumentOutOfRangeException(nameof(sources),
                        $"Key column '{column.Name}' of {source.GetType().Name} is already used by another source or is a reserved pair-feature column ({string.Join(", ", ReservedNames)}); rename it.");
                keyColumns.Add(column);
            }
        }
        _sourceOffsets[_sources.Length] = names.Count;
        FeatureNames = names;
        KeyColumns = keyColumns;

        _logUserActivity = LogRelativeCounts(Enumerable.Range(0, history.UserCount).Select(u => history.RowStart[u + 1] - history.RowStart[u]).ToArray());
        var itemCounts = new int[history.ItemCount];
        foreach (var item in history.ItemIndices) itemCounts[item]++;
        _logItemPopularity = LogRelativeCounts(itemCounts);
    }

    /// <summary>Names of all feature slots: the core features, then each source's.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Length of the <c>Features</c> vector.</summary>
    public int Dimension => FeatureNames.Count;

    /// <summary>All sources' key columns, in source order.</summary>
    public IReadOnlyList<PairFeatureKeyColumn> KeyColumns { get; }

    /// <summary>The history the builder counts with and binds its sources to.</summary>
    public UserItemMatrix History => _history;

    /// <summary>
    /// Builds one row per candidate: query <c>q</c> of <paramref name="candidates"/> lists user
    /// <c>users[q]</c>'s candidates best first (padding ignored), as <see cref="ExactTopK.Recommend"/> returns them.
    /// Rows are grouped by user in ascending user order and kept in candidate order within a group.
    /// </summary>
    /// <param name="users">0-based user of each query; no user twice.</param>
    /// <param name="candidates">Candidate items and scores per query.</param>
    /// <param name="relevant">Held-out positives (users × items): a row's label is 1 when its pair is in it; null labels every row 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">Counts or key spaces do not match, a user repeats, a score is not finite, or a source writes a bad value.</exception>
    public PairFeatureTable Build(IReadOnlyList<int> users, TopKResult candidates, UserItemMatrix? relevant = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(candidates);
        var order = CheckInputs(users, candidates, relevant);

        int rows = 0;
        foreach (var q in order) rows += candidates.CountOf(q);
        int dim = Dimension;
        var rowUsers = new int[rows];
        var rowItems = new int[rows];
        var ranks = new int[rows];
        var labels = new float[rows];
        var features = new float[(long)rows * dim];
        var groupStarts = new List<int>();
        var writers = _sources.Select(s => s.Bind(_history)).ToArray();
        var keyOffsets = KeyColumns.Select(_ => new int[rows + 1]).ToArray();
        var keyLists = KeyColumns.Select(_ => new List<uint>(rows)).ToArray();
        var keyScratch = new uint[KeyColumns.Count == 0 ? 0 : KeyColumns.Max(c => c.MaxCount)];

        int r = 0;
        foreach (var q in order)
        {
            int user = users[q];
            var items = candidates.ItemsOf(q);
            var scores = candidates.ScoresOf(q);
            if (items.Length == 0) continue;
            groupStarts.Add(r);
            float best = scores[0];
            var (mean, inverseStd) = Standardisation(scores);
            for (int p = 0; p < items.Length; p++, r++)
            {
                int item = items[p];
                float score = scores[p];
                if (!float.IsFinite(score))
                    throw new ArgumentOutOfRangeException(nameof(candidates), score, $"User {user}'s candidate {item} (rank {p + 1}) has score {score}; scores must be finite.");
                if ((uint)item >= (uint)_history.ItemCount)
                    throw new ArgumentOutOfRangeException(nameof(candidates), item, $"User {user}'s candidate {item} is not an item of the history, which has {_history.ItemCount} items.");
                rowUsers[r] = user;
                rowItems[r] = item;
                ranks[r] = p + 1;
                labels[r] = relevant != null && relevant.Contains(user, item) ? 1f : 0f;
                var row = features.AsSpan(r * dim, dim);
                row[0] = score;
                row[1] = p + 1;
                row[2] = best - score;
                row[3] = (float)((score - mean) * inverseStd);
                row[4] = _logItemPopularity[item];
                row[5] = _logUserActivity[user];
                WriteSources(writers, user, item, row, r, keyOffsets, keyLists, keyScratch);
            }
        }
        groupStarts.Add(r);
        var keys = keyLists.Select(k => k.ToArray()).ToArray();
        return new PairFeatureTable(_history.UserCount, _history.ItemCount, rowUsers, rowItems, ranks, labels, features,
            FeatureNames, KeyColumns, keyOffsets, keys, groupStarts.ToArray());
    }

    private void WriteSources(IPairFeatureWriter[] writers, int user, int item, Span<float> row, int r,
        int[][] keyOffsets, List<uint>[] keyLists, uint[] keyScratch)
    {
        int keyColumn = 0;
        for (int s = 0; s < writers.Length; s++)
        {
            var slots = row[_sourceOffsets[s].._sourceOffsets[s + 1]];
            writers[s].Fill(user, item, slots);
            for (int j = 0; j < slots.Length; j++)
                if (!float.IsFinite(slots[j]))
                    throw new ArgumentOutOfRangeException(nameof(writers), slots[j],
                        $"{_sources[s].GetType().Name} wrote {slots[j]} to feature '{FeatureNames[_sourceOffsets[s] + j]}' for user {user}, item {item}; features must be finite.");
            var columns = _sources[s].KeyColumns;
            for (int c = 0; c < columns.Count; c++, keyColumn++)
            {
                var column = columns[c];
                var scratch = keyScratch.AsSpan(0, column.MaxCount);
                int count = writers[s].FillKeys(c, user, item, scratch);
                if (column.IsVector ? count < 0 || count > column.MaxCount : count != 1)
                    throw new ArgumentOutOfRangeException(nameof(writers), count,
                        $"{_sources[s].GetType().Name} wrote {count} keys to column '{column.Name}' for user {user}, item {item}; expected {(column.IsVector ? $"0..{column.MaxCount}" : "1")}.");
                foreach (var key in scratch[..count])
                {
                    if (key > column.Cardinality)
                        throw new ArgumentOutOfRangeException(nameof(writers), key,
                            $"{_sources[s].GetType().Name} wrote key {key} to column '{column.Name}' (user {user}, item {item}); keys are 1..{column.Cardinality}, 0 = missing.");
                    keyLists[keyColumn].Add(key);
                }
                keyOffsets[keyColumn][r + 1] = keyLists[keyColumn].Count;
            }
        }
    }

    private int[] CheckInputs(IReadOnlyList<int> users, TopKResult candidates, UserItemMatrix? relevant)
    {
        if (candidates.QueryCount != users.Count)
            throw new ArgumentOutOfRangeException(nameof(candidates),
                $"The candidates have {candidates.QueryCount} queries but {users.Count} users were given; query q must be users[q]'s list.");
        if (relevant != null && (relevant.UserCount != _history.UserCount || relevant.ItemCount != _history.ItemCount))
            throw new ArgumentOutOfRangeException(nameof(relevant),
                $"The relevance matrix is {relevant.UserCount} × {relevant.ItemCount} but the history is {_history.UserCount} × {_history.ItemCount}; both must use the same key spaces.");
        var seen = new bool[_history.UserCount];
        for (int q = 0; q < users.Count; q++)
        {
            int u = users[q];
            if ((uint)u >= (uint)_history.UserCount)
                throw new ArgumentOutOfRangeException(nameof(users), u, $"users[{q}] = {u} is not a user of the history, which has {_history.UserCount} users.");
            if (seen[u])
                throw new ArgumentOutOfRangeException(nameof(users), u, $"users[{q}] = {u} appears twice; each user forms one group, so list it once.");
            seen[u] = true;
        }
        var order = Enumerable.Range(0, users.Count).ToArray();
        Array.Sort(users.ToArray(), order);
        return order;
    }

    // Mean and 1/std (population) of one user's candidate scores; 1/std = 0 when they are all equal.
    private static (double Mean, double InverseStd) Standardisation(ReadOnlySpan<float> scores)
    {
        double sum = 0, squares = 0;
        foreach (var s in scores) sum += s;
        double mean = sum / scores.Length;
        foreach (var s in scores) squares += (s - mean) * (s - mean);
        double std = Math.Sqrt(squares / scores.Length);
        return (mean, std > 1e-12 * Math.Max(1, Math.Abs(mean)) ? 1 / std : 0);
    }

    private static float[] LogRelativeCounts(int[] counts)
    {
        double mean = counts.Length == 0 ? 0 : counts.Average();
        var result = new float[counts.Length];
        for (int k = 0; k < counts.Length; k++) result[k] = (float)Math.Log((1.0 + counts[k]) / (1.0 + mean));
        return result;
    }
}
