namespace MLNetRecExtensions.Features;

/// <summary>Which columns a cross writes.</summary>
public enum CrossOutputKind
{
    /// <summary>
    /// A key column named <see cref="CrossColumn.OutputColumnName"/>: <c>Key&lt;UInt32, 2^HashBits&gt;</c> holding
    /// bucket + 1 (0 = missing) for a cross of scalars, a variable-length vector of such keys for a cross with a
    /// vector-valued input.
    /// </summary>
    Key,

    /// <summary>
    /// A sparse <c>Vector&lt;Single, 2^HashBits&gt;</c> named <see cref="CrossColumn.OutputColumnName"/>: one-hot
    /// (all zeros when the cross is missing) for scalars, multi-hot for vector-valued inputs.
    /// </summary>
    Indicator,

    /// <summary>The key column under <see cref="CrossColumn.OutputColumnName"/> and the indicator under
    /// <see cref="CrossColumn.OutputColumnName"/> + <see cref="CrossProductOptions.IndicatorSuffix"/>.</summary>
    Both,
}

/// <summary>One feature cross: the categorical columns to cross, in order, and the column to write.</summary>
public sealed class CrossColumn
{
    /// <summary>Creates a cross of <paramref name="inputColumnNames"/> (at least two) written to <paramref name="outputColumnName"/>.</summary>
    public CrossColumn(string outputColumnName, params string[] inputColumnNames)
    {
        OutputColumnName = outputColumnName;
        InputColumnNames = inputColumnNames ?? [];
    }

    /// <summary>The output column (see <see cref="CrossOutputKind"/> for its type).</summary>
    public string OutputColumnName { get; }

    /// <summary>
    /// The crossed columns. Order matters: crossing (A, B) and (B, A) gives different buckets. Each is a scalar or
    /// vector of text, a number or Boolean, or a key (see <see cref="CrossProductEstimator"/>).
    /// </summary>
    public IReadOnlyList<string> InputColumnNames { get; }
}

/// <summary>Options of <see cref="CrossProductEstimator"/>.</summary>
public sealed class CrossProductOptions
{
    /// <summary>ML.NET's default hashing seed (<c>HashingEstimator</c>), the default of <see cref="Seed"/>.</summary>
    public const uint DefaultSeed = 314489979;

    /// <summary>The crosses to compute; at least one, with distinct output column names.</summary>
    public IList<CrossColumn> Crosses { get; set; } = new List<CrossColumn>();

    /// <summary>
    /// Number of hash bits: every cross has 2^HashBits buckets. Default 18; valid 1..30 (2^30 keeps indicator
    /// vectors below the maximum vector length).
    /// </summary>
    public int HashBits { get; set; } = 18;

    /// <summary>Seed of the MurmurHash3 hash. Default <see cref="DefaultSeed"/>.</summary>
    public uint Seed { get; set; } = DefaultSeed;

    /// <summary>Which columns each cross writes. Default <see cref="CrossOutputKind.Indicator"/>, the form linear learners take.</summary>
    public CrossOutputKind OutputKind { get; set; } = CrossOutputKind.Indicator;

    /// <summary>With <see cref="CrossOutputKind.Both"/>, the indicator column is the output name plus this suffix. Default <c>Indicator</c>.</summary>
    public string IndicatorSuffix { get; set; } = "Indicator";
}
