using MLNetRecExtensions.Features;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The trained item tower's feature path as a single-row scorer: what embeds a NEW item — unknown to the model (key 0,
/// a key outside the trained key space, or an item without training rows) — from its item features alone, the item ID
/// field left empty (the zero vector), as <see cref="TwoTowerOptions.ItemIdDropout"/> trains it. The typed
/// <see cref="TwoTowerTransformer.ComputeItemEmbedding"/> and the saved scoring chain (contract
/// <c>MLNetRec.TwoTowerScore.v2</c>) both run <see cref="Embed"/>, so their scores are bit-identical.
/// </summary>
/// <remarks>
/// Packed layout (format 1, magic 7732, see <see cref="PackedFloatWriter"/>): dimension, cosine flag, item count,
/// residual flag, categorical count and each table's rows, the continuous scaler (raw width, clamp, powers, buckets,
/// shift, scale, bucket boundaries), the MLP (layers L, L + 1 widths, per layer W <c>[in, out]</c> and b), then the
/// categorical tables and the known-item flags <c>[items]</c>.
/// </remarks>
internal sealed class ItemTowerScorer
{
    private const int Magic = 7732;
    private const int FormatVersion = 1;
    private const string Model = "two-tower item tower";

    public required int Dimension { get; init; }
    public required bool Cosine { get; init; }
    public required int ItemCount { get; init; }
    /// <summary>Whether the ID embedding is added after the MLP (true) or is the MLP's first input field (false).</summary>
    public required bool Residual { get; init; }
    public required int[] CategoricalCounts { get; init; }
    public required float[][] CategoricalTables { get; init; }
    public required ContinuousScaler Scaler { get; init; }
    public required int[] Widths { get; init; }
    public required float[][] Weights { get; init; }
    public required float[][] Biases { get; init; }
    /// <summary>1 for items with training rows, else 0.</summary>
    public required float[] Known { get; init; }

    /// <summary>The scorer of a trained network whose item tower has features (an MLP); null when it has none.</summary>
    public static ItemTowerScorer? From(TwoTowerNetwork network, bool[] knownItems)
    {
        if (network.ItemTower.Mlp is not { } mlp) return null;
        var (widths, weights, biases) = TowerRow.MlpParameters(mlp, network.Dimension);
        return new ItemTowerScorer
        {
            Dimension = network.Dimension,
            Cosine = network.Options.Similarity == TwoTowerSimilarity.Cosine,
            ItemCount = network.Schema.ItemCount,
            Residual = network.ItemTower.Residual,
            CategoricalCounts = network.ItemCategoricals.Select(c => c.Count).ToArray(),
            CategoricalTables = network.ItemCategoricals.Select(c => (float[])c.Weights.Clone()).ToArray(),
            Scaler = network.ItemScaler,
            Widths = widths,
            Weights = weights,
            Biases = biases,
            Known = knownItems.Select(k => k ? 1f : 0f).ToArray(),
        };
    }

    /// <summary>Whether 0-based item <paramref name="item"/> had training rows (then its trained embedding is used).</summary>
    public bool IsKnown(int item) => (uint)item < (uint)ItemCount && Known[item] != 0f;

    /// <summary>
    /// Writes a new item's embedding into <paramref name="output"/> (<see cref="Dimension"/> values, unit length for
    /// cosine): the item tower on <paramref name="categoricals"/> (0-based per item categorical column; −1 or out of
    /// range = missing) and <paramref name="continuous"/> (the raw slots of the item continuous columns; missing
    /// trailing slots are 0), with an empty ID field.
    /// </summary>
    public void Embed(ReadOnlySpan<int> categoricals, ReadOnlySpan<float> continuous, Span<float> output)
    {
        int d = Dimension, widest = Widths.Max();
        var a = new float[widest];
        var b = new float[widest];
        int at = Residual ? 0 : d; // a joint MLP reads the (empty) ID field first
        at = TowerRow.AddCategoricals(CategoricalTables, CategoricalCounts, categoricals, d, a, at);
        var raw = new float[Scaler.RawWidth];
        continuous[..Math.Min(continuous.Length, raw.Length)].CopyTo(raw);
        Scaler.Transform(raw, a.AsSpan(at, Scaler.OutputWidth));
        TowerRow.Finish(Widths, Weights, Biases, a, b, Cosine, output);
    }

    /// <summary>Packs the scorer (layout in the type remarks).</summary>
    public float[] Pack()
    {
        var w = new PackedFloatWriter();
        w.Int(Dimension); w.Bool(Cosine); w.Int(ItemCount); w.Bool(Residual);
        w.Int(CategoricalCounts.Length);
        foreach (int c in CategoricalCounts) w.Int(c);
        TowerPacking.WriteScaler(w, Scaler);
        TowerPacking.WriteMlp(w, Widths, Weights, Biases);
        foreach (var t in CategoricalTables) w.Floats(t);
        w.Floats(Known);
        return w.ToArray(Magic, FormatVersion);
    }

    /// <summary>Reads a scorer written by <see cref="Pack"/>.</summary>
    /// <exception cref="InvalidDataException">The array is not a packed two-tower item tower of a known format.</exception>
    public static ItemTowerScorer Unpack(float[] packed)
    {
        var r = new PackedFloatReader(packed, Magic, FormatVersion, Model);
        int d = r.Int(); bool cosine = r.Bool(); int items = r.Int(); bool residual = r.Bool();
        var counts = new int[r.Int()];
        for (int c = 0; c < counts.Length; c++) counts[c] = r.Int();
        var scaler = TowerPacking.ReadScaler(r);
        var (widths, weights, biases) = TowerPacking.ReadMlp(r);
        var scorer = new ItemTowerScorer
        {
            Dimension = d,
            Cosine = cosine,
            ItemCount = items,
            Residual = residual,
            CategoricalCounts = counts,
            CategoricalTables = counts.Select(c => r.Floats(c * d)).ToArray(),
            Scaler = scaler,
            Widths = widths,
            Weights = weights,
            Biases = biases,
            Known = r.Floats(items),
        };
        r.RequireEnd();
        return scorer;
    }
}
