namespace MLNetRecExtensions.Data;

/// <summary>Interactions moved into another data set's key space, with what had to be dropped.</summary>
/// <param name="Interactions">The rows whose user and item the training data knows, as training indices (and ids).</param>
/// <param name="RowsRead">Rows of the input.</param>
/// <param name="RowsWithUnknownUser">Rows dropped because the training data has no such user.</param>
/// <param name="RowsWithUnknownItem">Rows dropped because the training data has no such item (user known).</param>
public sealed record KeyedInteractions(InteractionData Interactions, int RowsRead, int RowsWithUnknownUser, int RowsWithUnknownItem);

/// <summary>
/// Reads held-out interactions with the training key mapping, so a model can be evaluated on a user's own test
/// file: ids are matched by their original text (<see cref="InteractionData.UserIds"/>, ordinal comparison).
/// </summary>
public static class KeyRemapping
{
    /// <summary>
    /// <paramref name="data"/> in the key space of <paramref name="training"/>: same user/item counts and ids as the
    /// training data; rows with a user or an item the training data does not have are dropped and counted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">One of the data sets carries no original ids.</exception>
    public static KeyedInteractions ToKeysOf(this InteractionData data, InteractionData training)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(training);
        if (data.UserIds == null || data.ItemIds == null || training.UserIds == null || training.ItemIds == null)
            throw new ArgumentOutOfRangeException(nameof(data),
                "Both data sets need their original user and item ids (InteractionData.UserIds/ItemIds) to be matched; load them with InteractionLoaders.");
        var userMap = Lookup(training.UserIds);
        var itemMap = Lookup(training.ItemIds);
        var userOf = data.UserIds.Select(id => userMap.GetValueOrDefault(id, -1)).ToArray();
        var itemOf = data.ItemIds.Select(id => itemMap.GetValueOrDefault(id, -1)).ToArray();
        var users = new List<int>(data.Count);
        var items = new List<int>(data.Count);
        var labels = new List<float>(data.Count);
        var times = data.Timestamps == null ? null : new List<double>(data.Count);
        int unknownUser = 0, unknownItem = 0;
        for (int r = 0; r < data.Count; r++)
        {
            int u = userOf[data.Users[r]], i = itemOf[data.Items[r]];
            if (u < 0) { unknownUser++; continue; }
            if (i < 0) { unknownItem++; continue; }
            users.Add(u);
            items.Add(i);
            labels.Add(data.Labels[r]);
            times?.Add(data.Timestamps![r]);
        }
        var keyed = new InteractionData(training.UserCount, training.ItemCount, users.ToArray(), items.ToArray(), labels.ToArray(),
            times?.ToArray(), training.UserIds, training.ItemIds);
        return new KeyedInteractions(keyed, data.Count, unknownUser, unknownItem);
    }

    /// <summary>Reads a delimited file (see <see cref="InteractionLoaders.ReadDelimited"/>) straight into the key space of <paramref name="training"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (the message names the file, line and column).</exception>
    public static KeyedInteractions ReadDelimited(string path, DelimitedFileFormat format, InteractionData training) =>
        InteractionLoaders.ReadDelimited(path, format).ToKeysOf(training);

    /// <summary>Index of each id (first occurrence wins), ordinal comparison.</summary>
    internal static Dictionary<string, int> Lookup(string[] ids)
    {
        var map = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int k = 0; k < ids.Length; k++) map.TryAdd(ids[k], k);
        return map;
    }
}
