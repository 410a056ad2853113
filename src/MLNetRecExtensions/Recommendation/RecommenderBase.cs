using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// The shared half of every <see cref="IItemRecommender{TUser, TItem}"/>: id mapping, the training interactions
/// (for "exclude seen" and the cold-start list), validation and batching. A derived class only ranks known users
/// by index (<see cref="RankKnownUsers"/>).
/// </summary>
/// <typeparam name="TUser">The original user id type.</typeparam>
/// <typeparam name="TItem">The original item id type.</typeparam>
public abstract class RecommenderBase<TUser, TItem> : IItemRecommender<TUser, TItem> where TUser : notnull where TItem : notnull
{
    private readonly int[] _coldStartOrder;
    private readonly float[] _coldStartScores;

    /// <summary>Captures the mappings and the training interactions.</summary>
    /// <param name="users">User ids by index; its count must equal <c>seen.UserCount</c>.</param>
    /// <param name="items">Item ids by index; its count must equal <c>seen.ItemCount</c>.</param>
    /// <param name="seen">The training interactions as a users × items matrix (0-based indices).</param>
    /// <exception cref="ArgumentOutOfRangeException">The counts do not fit together.</exception>
    protected RecommenderBase(IdMapping<TUser> users, IdMapping<TItem> items, UserItemMatrix seen)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(seen);
        if (users.Count != seen.UserCount || items.Count != seen.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(seen),
                $"The id mappings have {users.Count} users × {items.Count} items but the training matrix is {seen.UserCount} × {seen.ItemCount}; both must come from the same key mapping.");
        Users = users;
        Items = items;
        Seen = seen;
        _coldStartScores = new float[items.Count];
        foreach (var i in seen.ItemIndices) _coldStartScores[i]++;
        _coldStartOrder = Enumerable.Range(0, items.Count).ToArray();
        var scores = _coldStartScores;
        Array.Sort(_coldStartOrder, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
    }

    /// <inheritdoc />
    public IdMapping<TUser> Users { get; }

    /// <inheritdoc />
    public IdMapping<TItem> Items { get; }

    /// <summary>The training interactions (users × items, 0-based): what "exclude seen" leaves out.</summary>
    public UserItemMatrix Seen { get; }

    /// <summary>
    /// Ranks known users: row q of the result holds the best <paramref name="k"/> item indices of user index
    /// <c>users[q]</c> (distinct, valid indices), best first, with their scores; with <paramref name="excludeSeen"/>
    /// the user's row of <see cref="Seen"/> is left out.
    /// </summary>
    protected abstract TopKResult RankKnownUsers(int[] users, int k, bool excludeSeen);

    /// <inheritdoc />
    public UserRecommendations<TUser, TItem> Recommend(TUser user, int k, bool excludeSeen = true) =>
        RecommendBatch([user], k, excludeSeen)[0];

    /// <inheritdoc />
    public IReadOnlyList<UserRecommendations<TUser, TItem>> RecommendBatch(IReadOnlyList<TUser> users, int k, bool excludeSeen = true)
    {
        ArgumentNullException.ThrowIfNull(users);
        CheckK(k);
        var indexOf = new int[users.Count];
        var distinct = new List<int>();
        var rowOf = new Dictionary<int, int>();
        for (int q = 0; q < users.Count; q++)
        {
            if (users[q] is null) throw new ArgumentNullException(nameof(users), $"users[{q}] is null.");
            if (!Users.TryGetIndex(users[q], out int u)) { indexOf[q] = -1; continue; }
            indexOf[q] = u;
            if (rowOf.TryAdd(u, distinct.Count)) distinct.Add(u);
        }
        var ranked = distinct.Count == 0 ? null : RankKnownUsers(distinct.ToArray(), k, excludeSeen);
        IReadOnlyList<ScoredItem<TItem>>? coldStart = null;
        var result = new UserRecommendations<TUser, TItem>[users.Count];
        for (int q = 0; q < users.Count; q++)
        {
            if (indexOf[q] < 0)
            {
                coldStart ??= ColdStartItems(k);
                result[q] = new UserRecommendations<TUser, TItem>(users[q], coldStart, IsColdStart: true);
                continue;
            }
            int row = rowOf[indexOf[q]];
            result[q] = new UserRecommendations<TUser, TItem>(users[q], ToScored(ranked!.ItemsOf(row), ranked.ScoresOf(row)), IsColdStart: false);
        }
        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<ScoredItem<TItem>> ColdStartItems(int k)
    {
        CheckK(k);
        int n = Math.Min(k, _coldStartOrder.Length);
        var list = new ScoredItem<TItem>[n];
        for (int r = 0; r < n; r++) list[r] = new ScoredItem<TItem>(Items[_coldStartOrder[r]], _coldStartScores[_coldStartOrder[r]]);
        return list;
    }

    /// <summary>Turns item indices and scores into original ids.</summary>
    protected IReadOnlyList<ScoredItem<TItem>> ToScored(ReadOnlySpan<int> items, ReadOnlySpan<float> scores)
    {
        var list = new ScoredItem<TItem>[items.Length];
        for (int r = 0; r < items.Length; r++) list[r] = new ScoredItem<TItem>(Items[items[r]], scores[r]);
        return list;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when k is below 1.</summary>
    protected static void CheckK(int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1 (the number of items to recommend).");
    }
}
