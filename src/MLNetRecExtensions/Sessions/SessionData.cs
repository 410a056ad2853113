using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// Click sessions prepared for session-based training and evaluation: every session's events contiguous and in time
/// order (ties keep input order), sessions ordered by their first event's time (ties keep first-appearance order).
/// Item indices are 0-based (ML.NET key − 1) in <c>[0, <see cref="ItemCount"/>)</c>.
/// </summary>
/// <remarks>
/// Nothing is dropped or reordered silently: sessions with fewer than two (known) events cannot give a next-item
/// example and are dropped and counted in <see cref="DroppedShortSessions"/>; events of unknown items (index −1 on
/// input, e.g. test items unseen in training) are dropped and counted in <see cref="DroppedUnknownEvents"/>; sessions
/// whose events were not in time order are sorted and counted in <see cref="SortedSessions"/>. <see cref="Warnings"/>
/// lists each of these as a sentence.
/// </remarks>
public sealed class SessionData
{
    private SessionData(int itemCount, int[] items, int[] offsets, int[] sessionIndices, int droppedShort, int droppedUnknown, int sorted, string source)
    {
        ItemCount = itemCount;
        Items = items;
        Offsets = offsets;
        SessionIndices = sessionIndices;
        DroppedShortSessions = droppedShort;
        DroppedUnknownEvents = droppedUnknown;
        SortedSessions = sorted;
        var warnings = new List<string>();
        if (droppedShort > 0) warnings.Add($"{source}: dropped {droppedShort} session(s) with fewer than 2 events (they give no next-item example).");
        if (droppedUnknown > 0) warnings.Add($"{source}: dropped {droppedUnknown} event(s) of items unknown to the model.");
        if (sorted > 0) warnings.Add($"{source}: {sorted} session(s) had events out of time order and were sorted by time.");
        Warnings = warnings;
    }

    /// <summary>Size of the item catalog.</summary>
    public int ItemCount { get; }
    /// <summary>Item index of every kept event, session after session.</summary>
    public int[] Items { get; }
    /// <summary>Session s holds events <c>[Offsets[s], Offsets[s + 1])</c>; length <see cref="SessionCount"/> + 1.</summary>
    public int[] Offsets { get; }
    /// <summary>The input's 0-based session index of each kept session.</summary>
    public int[] SessionIndices { get; }
    /// <summary>Number of kept sessions (each has ≥ 2 events).</summary>
    public int SessionCount => Offsets.Length - 1;
    /// <summary>Number of kept events.</summary>
    public int EventCount => Items.Length;
    /// <summary>Next-item examples: events that have a successor in their session (<see cref="EventCount"/> − <see cref="SessionCount"/>).</summary>
    public int ExampleCount => EventCount - SessionCount;
    /// <summary>Sessions dropped for having fewer than 2 events.</summary>
    public int DroppedShortSessions { get; }
    /// <summary>Events dropped because their item is unknown (input index −1).</summary>
    public int DroppedUnknownEvents { get; }
    /// <summary>Sessions whose events had to be sorted by time.</summary>
    public int SortedSessions { get; }
    /// <summary>One sentence per kind of dropped or reordered input (empty when the input was clean).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The events of session <paramref name="s"/>.</summary>
    public ReadOnlySpan<int> Session(int s) => Items.AsSpan(Offsets[s], Offsets[s + 1] - Offsets[s]);

    /// <summary>Number of events per item (its support), length <see cref="ItemCount"/>.</summary>
    public double[] ItemCounts()
    {
        var counts = new double[ItemCount];
        foreach (int i in Items) counts[i]++;
        return counts;
    }

    /// <summary>
    /// Prepares sessions from parallel event arrays.
    /// </summary>
    /// <param name="sessions">0-based session index per event (any order; a session's events need not be contiguous).</param>
    /// <param name="items">0-based item index per event in <c>[0, itemCount)</c>, or −1 for an unknown item (dropped and counted).</param>
    /// <param name="times">Time per event (finite).</param>
    /// <param name="itemCount">Catalog size, ≥ 1.</param>
    /// <param name="source">Name of the data for messages (e.g. the file name).</param>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    /// <exception cref="InvalidDataException">There are no events, a time is NaN or infinite, an item index is out of range, or no session has two events.</exception>
    public static SessionData Create(ReadOnlySpan<int> sessions, ReadOnlySpan<int> items, ReadOnlySpan<double> times, int itemCount, string source = "session data")
    {
        if (sessions.Length != items.Length || times.Length != items.Length)
            throw new ArgumentException($"{source}: the session, item and time arrays differ in length ({sessions.Length}, {items.Length}, {times.Length}).");
        if (itemCount < 1) throw new InvalidDataException($"{source}: the item catalog is empty; train on data with at least one item.");
        if (items.Length == 0) throw new InvalidDataException($"{source}: there are no events; give a session log with at least one session of two events.");
        int sessionCount = 0;
        for (int e = 0; e < items.Length; e++)
        {
            if (!double.IsFinite(times[e]))
                throw new InvalidDataException($"{source}: event {e} (session index {sessions[e]}) has time {times[e]}; every event needs a finite time.");
            if (items[e] < -1 || items[e] >= itemCount)
                throw new InvalidDataException($"{source}: event {e} has item index {items[e]}, outside [0, {itemCount}) (−1 marks an unknown item).");
            if (sessions[e] < 0) throw new InvalidDataException($"{source}: event {e} has the negative session index {sessions[e]}.");
            sessionCount = Math.Max(sessionCount, sessions[e] + 1);
        }

        // Group events by session (counting sort keeps input order inside a session).
        var counts = new int[sessionCount + 1];
        int unknown = 0;
        for (int e = 0; e < items.Length; e++)
        {
            if (items[e] < 0) { unknown++; continue; }
            counts[sessions[e] + 1]++;
        }
        for (int s = 0; s < sessionCount; s++) counts[s + 1] += counts[s];
        var order = new int[items.Length - unknown];
        var fill = counts.AsSpan(0, sessionCount).ToArray();
        for (int e = 0; e < items.Length; e++)
            if (items[e] >= 0) order[fill[sessions[e]]++] = e;

        var kept = new List<(double Start, int Session)>();
        int dropped = 0, sorted = 0;
        for (int s = 0; s < sessionCount; s++)
        {
            int start = counts[s], length = counts[s + 1] - start;
            if (length == 0) continue;
            if (length < 2) { dropped++; continue; }
            var span = order.AsSpan(start, length);
            bool inOrder = true;
            for (int j = 1; j < length && inOrder; j++) inOrder = times[span[j]] >= times[span[j - 1]];
            if (!inOrder)
            {
                sorted++;
                // Stable: ties keep input order (event indices ascend within a session).
                var pairs = new (double, int)[length];
                for (int j = 0; j < length; j++) pairs[j] = (times[span[j]], span[j]);
                Array.Sort(pairs);
                for (int j = 0; j < length; j++) span[j] = pairs[j].Item2;
            }
            kept.Add((times[span[0]], s));
        }
        if (kept.Count == 0)
            throw new InvalidDataException($"{source}: no session has two or more events of known items ({dropped} session(s) had one); a next-item model needs sessions of at least two events.");
        // Sessions by start time; ties keep session order (official session_order='time').
        var byStart = kept.Select((k, i) => (k.Start, i)).ToArray();
        Array.Sort(byStart);
        var outItems = new int[kept.Sum(k => counts[k.Session + 1] - counts[k.Session])];
        var offsets = new int[kept.Count + 1];
        var indices = new int[kept.Count];
        int w = 0;
        for (int r = 0; r < byStart.Length; r++)
        {
            int s = kept[byStart[r].i].Session;
            indices[r] = s;
            offsets[r] = w;
            for (int j = counts[s]; j < counts[s + 1]; j++) outItems[w++] = items[order[j]];
        }
        offsets[^1] = w;
        return new SessionData(itemCount, outItems, offsets, indices, dropped, unknown, sorted, source);
    }

    /// <summary>
    /// Prepares the sessions of <paramref name="data"/> (<see cref="InteractionData.Users"/> = session index,
    /// timestamps required), as <see cref="Data.InteractionLoaders.ReadSessions"/> builds it.
    /// </summary>
    /// <param name="data">The session log.</param>
    /// <param name="itemIndex">Optional map from this data's item index to the model's (−1 = unknown item); null keeps the indices.</param>
    /// <param name="itemCount">The model's catalog size when <paramref name="itemIndex"/> is given.</param>
    /// <param name="source">Name for messages.</param>
    /// <exception cref="InvalidDataException">The data has no timestamps, or see <see cref="Create"/>.</exception>
    public static SessionData FromInteractions(InteractionData data, int[]? itemIndex = null, int itemCount = 0, string source = "session data")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Timestamps == null)
            throw new InvalidDataException($"{source}: the interactions carry no timestamps; sessions need a time column to order their events.");
        var items = data.Items;
        if (itemIndex != null)
        {
            items = new int[data.Count];
            for (int e = 0; e < items.Length; e++) items[e] = itemIndex[data.Items[e]];
        }
        return Create(data.Users, items, data.Timestamps, itemIndex != null ? itemCount : data.ItemCount, source);
    }

    /// <summary>
    /// Maps the items of <paramref name="other"/> onto the catalog <paramref name="catalogIds"/> by original id
    /// (−1 where the id is not in the catalog), for evaluating a model on a separately loaded test file.
    /// </summary>
    /// <exception cref="InvalidDataException">One of the two has no original item ids.</exception>
    public static int[] MapItems(IReadOnlyList<string>? catalogIds, InteractionData other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (catalogIds == null || other.ItemIds == null)
            throw new InvalidDataException("Both the model's catalog and the other data need original item ids to be matched; load both with InteractionLoaders.");
        var index = new Dictionary<string, int>(catalogIds.Count, StringComparer.Ordinal);
        for (int i = 0; i < catalogIds.Count; i++) index[catalogIds[i]] = i;
        var map = new int[other.ItemCount];
        for (int i = 0; i < map.Length; i++) map[i] = index.TryGetValue(other.ItemIds[i], out int k) ? k : -1;
        return map;
    }
}
