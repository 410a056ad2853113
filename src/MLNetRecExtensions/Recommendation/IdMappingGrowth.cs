using Microsoft.ML;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Growing key mappings for incremental updates: existing ids keep their index (so a model's rows keep their
/// meaning), ids never seen before are appended. Used with <c>MatrixFactorizationUpdate.Update</c> and
/// <c>TwoTowerTransformer.Update</c>.
/// </summary>
public static class IdMappingGrowth
{
    /// <summary>
    /// The mapping extended by <paramref name="ids"/>: indices <c>0 … Count − 1</c> unchanged, each id not yet mapped
    /// appended in order of first appearance.
    /// </summary>
    public static IdMapping<TId> Grow<TId>(this IdMapping<TId> mapping, IEnumerable<TId> ids) where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(ids);
        var all = new List<TId>(mapping.Ids);
        var added = new HashSet<TId>();
        foreach (var id in ids)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
            if (!mapping.Contains(id) && added.Add(id)) all.Add(id);
        }
        return new IdMapping<TId>(all);
    }

    /// <summary>
    /// A <c>MapValueToKey</c> estimator whose keys are exactly this mapping (key <c>i + 1</c> = id <c>i</c>, key values
    /// annotated), so that a pipeline maps old ids to the keys they had and new ids to the grown rows.
    /// </summary>
    /// <param name="mapping">The (grown) ids.</param>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="outputColumnName">The key column to create.</param>
    /// <param name="inputColumnName">The id column (same type as <typeparamref name="TId"/>); default the output name.</param>
    public static IEstimator<ITransformer> MapValueToKey<TId>(this IdMapping<TId> mapping, MLContext mlContext, string outputColumnName,
        string? inputColumnName = null) where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(mlContext);
        var keyData = mlContext.Data.LoadFromEnumerable(mapping.Ids.Select(id => new KeyRow<TId> { Key = id }));
        return mlContext.Transforms.Conversion.MapValueToKey(outputColumnName, inputColumnName ?? outputColumnName, keyData: keyData);
    }

    /// <summary>
    /// New interactions given in original ids, mapped into the grown index spaces: returns the grown mappings and the
    /// interactions as 0-based indices of them (key spaces = the grown counts, original ids attached), ready for
    /// <c>MatrixFactorizationUpdate.Update(…, added: Interactions)</c>.
    /// </summary>
    /// <param name="users">The model's user mapping.</param>
    /// <param name="items">The model's item mapping.</param>
    /// <param name="newInteractions">(user id, item id, label) triples.</param>
    public static (IdMapping<string> Users, IdMapping<string> Items, InteractionData Interactions) Append(IdMapping<string> users, IdMapping<string> items,
        IReadOnlyList<(string User, string Item, float Label)> newInteractions)
    {
        ArgumentNullException.ThrowIfNull(newInteractions);
        var grownUsers = users.Grow(newInteractions.Select(r => r.User));
        var grownItems = items.Grow(newInteractions.Select(r => r.Item));
        var u = new int[newInteractions.Count];
        var i = new int[newInteractions.Count];
        var l = new float[newInteractions.Count];
        for (int r = 0; r < newInteractions.Count; r++)
        {
            grownUsers.TryGetIndex(newInteractions[r].User, out u[r]);
            grownItems.TryGetIndex(newInteractions[r].Item, out i[r]);
            l[r] = newInteractions[r].Label;
        }
        return (grownUsers, grownItems, new InteractionData(grownUsers.Count, grownItems.Count, u, i, l, null, [.. grownUsers.Ids], [.. grownItems.Ids]));
    }

    private sealed class KeyRow<TId>
    {
        public TId Key { get; set; } = default!;
    }
}
