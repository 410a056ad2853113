using Microsoft.ML;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// (user, candidate item) rows built by <see cref="PairFeatureBuilder"/>, in memory: grouped by user (users ascending,
/// each group contiguous) and within a group in candidate order (rank 1 first). Users and items are 0-based indices.
/// <see cref="ToDataView"/> exposes it to ML.NET trainers with the columns of <see cref="PairFeatureColumns"/>.
/// </summary>
public sealed class PairFeatureTable
{
    private readonly int[][] _keyOffsets;
    private readonly uint[][] _keys;

    internal PairFeatureTable(int userCount, int itemCount, int[] users, int[] items, int[] ranks, float[] labels,
        float[] features, IReadOnlyList<string> featureNames, IReadOnlyList<PairFeatureKeyColumn> keyColumns,
        int[][] keyOffsets, uint[][] keys, int[] groupStarts)
    {
        UserCount = userCount;
        ItemCount = itemCount;
        Users = users;
        Items = items;
        Ranks = ranks;
        Labels = labels;
        Features = features;
        FeatureNames = featureNames;
        KeyColumns = keyColumns;
        _keyOffsets = keyOffsets;
        _keys = keys;
        GroupStarts = groupStarts;
    }

    /// <summary>User key cardinality (users of the history the table was built against).</summary>
    public int UserCount { get; }
    /// <summary>Item key cardinality.</summary>
    public int ItemCount { get; }
    /// <summary>Number of rows (pairs).</summary>
    public int RowCount => Users.Length;
    /// <summary>Length of each row's feature vector.</summary>
    public int Dimension => FeatureNames.Count;
    /// <summary>0-based user of each row (non-decreasing).</summary>
    public int[] Users { get; }
    /// <summary>0-based candidate item of each row.</summary>
    public int[] Items { get; }
    /// <summary>1-based rank of each row's item in the user's candidate list.</summary>
    public int[] Ranks { get; }
    /// <summary>Relevance of each row: 1 for a held-out positive, else 0 (all 0 when built without relevance).</summary>
    public float[] Labels { get; }
    /// <summary>Features, <c>[RowCount, Dimension]</c> row-major, slots named by <see cref="FeatureNames"/>.</summary>
    public float[] Features { get; }
    /// <summary>Name of each feature slot.</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>The categorical key columns, in the order of the sources.</summary>
    public IReadOnlyList<PairFeatureKeyColumn> KeyColumns { get; }
    /// <summary>
    /// Group boundaries, length groups + 1: group g (one user) is rows <c>GroupStarts[g]..GroupStarts[g + 1]</c>.
    /// Users whose candidate list was empty have no group.
    /// </summary>
    public int[] GroupStarts { get; }
    /// <summary>Number of groups (users with at least one candidate).</summary>
    public int GroupCount => GroupStarts.Length - 1;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> FeaturesOf(int row) => Features.AsSpan(row * Dimension, Dimension);

    /// <summary>The raw keys (1-based, 0 = missing) of key column <paramref name="column"/> in row <paramref name="row"/>.</summary>
    public ReadOnlySpan<uint> KeysOf(int column, int row)
    {
        var offsets = _keyOffsets[column];
        return _keys[column].AsSpan(offsets[row], offsets[row + 1] - offsets[row]);
    }

    /// <summary>
    /// The rows as an <see cref="IDataView"/> (no copy) with the columns of <see cref="PairFeatureColumns"/>:
    /// <c>UserId</c>, <c>ItemId</c>, <c>GroupId</c> (keys), <c>Label</c> (Single), <c>LabelBool</c> (Boolean),
    /// <c>CandidateRank</c> (Single), <c>Features</c> (known-size vector of Single with slot names), then one column
    /// per <see cref="KeyColumns"/> entry (a key, or a variable-length vector of keys, with KeyValues).
    /// </summary>
    public IDataView ToDataView() => new PairFeatureDataView(this);
}
