using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// The bijection between a model's original ids (as they came in: string, int, long, …) and its 0-based indices
/// (ML.NET key − 1), captured when the model was fitted. Index <c>i</c> is the id of key <c>i + 1</c>. Immutable and
/// safe to share between threads.
/// </summary>
/// <typeparam name="TId">The original id type. Ids are compared with <see cref="EqualityComparer{T}.Default"/>
/// (strings: ordinal, case-sensitive).</typeparam>
public sealed class IdMapping<TId> where TId : notnull
{
    private readonly TId[] _ids;
    private readonly Dictionary<TId, int> _index;

    /// <summary>Creates the mapping; <paramref name="ids"/>[i] is the id of index i (copied).</summary>
    /// <exception cref="ArgumentException">An id appears twice (the message names it and both indices).</exception>
    public IdMapping(IEnumerable<TId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = ids.ToArray();
        _index = new Dictionary<TId, int>(_ids.Length);
        for (int i = 0; i < _ids.Length; i++)
        {
            if (_ids[i] is null) throw new ArgumentException($"Id number {i} is null; every index needs an id.", nameof(ids));
            if (!_index.TryAdd(_ids[i], i))
                throw new ArgumentException($"Id '{_ids[i]}' appears at index {_index[_ids[i]]} and again at index {i}; ids must be unique.", nameof(ids));
        }
    }

    /// <summary>Number of ids (the key cardinality).</summary>
    public int Count => _ids.Length;

    /// <summary>All ids by index.</summary>
    public IReadOnlyList<TId> Ids => _ids;

    /// <summary>The id of 0-based index <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, Count).</exception>
    public TId this[int index] => (uint)index < (uint)_ids.Length
        ? _ids[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Index {index} is outside [0, {_ids.Length}).");

    /// <summary>The 0-based index of <paramref name="id"/>; false when the model never saw it.</summary>
    public bool TryGetIndex(TId id, out int index)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _index.TryGetValue(id, out index);
    }

    /// <summary>True when the model saw <paramref name="id"/> at fit time.</summary>
    public bool Contains(TId id) => TryGetIndex(id, out _);
}

/// <summary>Builds <see cref="IdMapping{TId}"/> from what a fitted model leaves behind.</summary>
public static class IdMapping
{
    /// <summary>
    /// The mapping of a key column from its <c>KeyValues</c> annotation (what <c>MapValueToKey</c> and the
    /// library's loaders attach). Text key values become <see cref="string"/> ids; other key-value types must equal
    /// <typeparamref name="TId"/>, except that text values are parsed when <typeparamref name="TId"/> is an integer
    /// type. A key column without annotation maps to its raw key values 1..Count when <typeparamref name="TId"/> is
    /// <see cref="uint"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is not a key column, or its ids cannot be read as <typeparamref name="TId"/>.</exception>
    public static IdMapping<TId> FromKeyColumn<TId>(DataViewSchema.Column column) where TId : notnull
    {
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is {column.Type}, not a key column; map the ids with MapValueToKey first.");
        int count = checked((int)key.Count);
        var kv = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (kv == null)
        {
            if (typeof(TId) == typeof(uint))
                return new IdMapping<TId>(Enumerable.Range(1, count).Select(k => (TId)(object)(uint)k));
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Key column '{column.Name}' carries no KeyValues annotation, so its original ids are unknown; map the ids with MapValueToKey (which records them) or use uint ids (the raw keys).");
        }
        var itemType = ((VectorDataViewType)kv.Value.Type).ItemType;
        if (itemType is TextDataViewType)
        {
            VBuffer<ReadOnlyMemory<char>> text = default;
            column.GetKeyValues(ref text);
            return FromStrings<TId>(text.DenseValues().Select(v => v.ToString()).ToArray(), column.Name);
        }
        if (itemType.RawType != typeof(TId))
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Key column '{column.Name}' holds ids of type {itemType.RawType.Name}, but {typeof(TId).Name} ids were asked for; use {itemType.RawType.Name}.");
        VBuffer<TId> values = default;
        column.Annotations.GetValue("KeyValues", ref values);
        return new IdMapping<TId>(values.DenseValues());
    }

    /// <summary>
    /// The mapping of string ids (e.g. <see cref="Data.InteractionData.UserIds"/>) as <typeparamref name="TId"/>:
    /// <see cref="string"/> as is; <see cref="int"/>, <see cref="long"/>, <see cref="uint"/> and <see cref="ulong"/>
    /// parsed with the invariant culture.
    /// </summary>
    /// <param name="ids">Id of each index.</param>
    /// <param name="source">Where the ids come from, for messages.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id does not parse as <typeparamref name="TId"/>, or the type is not supported.</exception>
    public static IdMapping<TId> FromStrings<TId>(IReadOnlyList<string> ids, string source = "ids") where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (typeof(TId) == typeof(string)) return new IdMapping<TId>((IEnumerable<TId>)ids);
        var parsed = new TId[ids.Count];
        for (int i = 0; i < ids.Count; i++) parsed[i] = Parse<TId>(ids[i], source, i);
        return new IdMapping<TId>(parsed);
    }

    /// <summary>Parses one id as <typeparamref name="TId"/> (the rules of <see cref="FromStrings{TId}"/>).</summary>
    internal static TId Parse<TId>(string text, string source, int index)
    {
        object? value = null;
        var style = NumberStyles.Integer;
        var culture = CultureInfo.InvariantCulture;
        if (typeof(TId) == typeof(string)) value = text;
        else if (typeof(TId) == typeof(int) && int.TryParse(text, style, culture, out var i)) value = i;
        else if (typeof(TId) == typeof(long) && long.TryParse(text, style, culture, out var l)) value = l;
        else if (typeof(TId) == typeof(uint) && uint.TryParse(text, style, culture, out var u)) value = u;
        else if (typeof(TId) == typeof(ulong) && ulong.TryParse(text, style, culture, out var ul)) value = ul;
        else if (typeof(TId) != typeof(int) && typeof(TId) != typeof(long) && typeof(TId) != typeof(uint) && typeof(TId) != typeof(ulong))
            throw new ArgumentOutOfRangeException(nameof(TId), $"Ids of type {typeof(TId).Name} are not supported; use string, int, long, uint or ulong.");
        return value is TId id ? id : throw new ArgumentOutOfRangeException(nameof(text), text,
            $"{source}[{index}] = '{text}' is not a valid {typeof(TId).Name}; use string ids for this data.");
    }
}
