using System.Numerics.Tensors;
using MLNetRecExtensions.Features;
using MLNetRecExtensions.Numerics;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The trained user tower as a single-row scorer, plus the item embeddings: what a saved two-tower model needs to
/// score a row of ANY user, known or new. The typed API (<see cref="TwoTowerTransformer.ComputeUserEmbedding"/>,
/// <see cref="TwoTowerTransformer.ComputeUserEmbeddings"/>, the fallback embedding) and the saved scoring chain
/// (contract <c>MLNetRec.TwoTowerScore.v1</c>) both run <see cref="Embed"/>, so their scores are bit-identical.
/// </summary>
/// <remarks>
/// Packed layout (format 1, magic 7731, see <see cref="PackedFloatWriter"/>): dimension, cosine flag, user count,
/// item count, flags (user ID, history, tokens), categorical count and each table's rows, the continuous scaler (raw
/// width, clamp, powers, buckets, shift, scale, bucket boundaries), example-age slots, the MLP (layers L, L + 1
/// widths, per layer W <c>[in, out]</c> and b), then the tables: user IDs <c>[users, d]</c>, history <c>[items, d]</c>,
/// tokens, categoricals, the known-user flags <c>[users]</c> and embeddings <c>[users, d]</c>, the item embeddings
/// <c>[items, d]</c>.
/// </remarks>
internal sealed class UserTowerScorer
{
    private const int Magic = 7731;
    private const int FormatVersion = 1;
    private const string Model = "two-tower";

    public required int Dimension { get; init; }
    public required bool Cosine { get; init; }
    public required int UserCount { get; init; }
    public required int ItemCount { get; init; }
    public required float[]? UserIdTable { get; init; }
    public required float[]? HistoryTable { get; init; }
    public required int TokenCount { get; init; }
    public required float[]? TokenTable { get; init; }
    public required int[] CategoricalCounts { get; init; }
    public required float[][] CategoricalTables { get; init; }
    public required ContinuousScaler Scaler { get; init; }
    public required int ExampleAgeSlots { get; init; }
    public required int[] Widths { get; init; }
    public required float[][] Weights { get; init; }
    public required float[][] Biases { get; init; }
    /// <summary>1 for users with training rows, else 0.</summary>
    public required float[] Known { get; init; }
    public required float[] UserEmbeddings { get; init; }
    public required float[] ItemEmbeddings { get; init; }

    private int MaxWidth => Widths.Max();

    /// <summary>The scorer of a trained network and its final user/item embedding tables.</summary>
    public static UserTowerScorer From(TwoTowerNetwork network, float[] userEmbeddings, float[] itemEmbeddings)
    {
        // A bare ID tower (no MLP) is the identity on its single field: zero layers, width = the dimension.
        var (widths, weights, biases) = TowerRow.MlpParameters(network.UserTower.Mlp, network.Dimension);
        int users = network.Schema.UserCount;
        return new UserTowerScorer
        {
            Dimension = network.Dimension,
            Cosine = network.Options.Similarity == TwoTowerSimilarity.Cosine,
            UserCount = users,
            ItemCount = network.Schema.ItemCount,
            UserIdTable = network.UserIds is { } ids ? (float[])ids.Weights.Clone() : null,
            HistoryTable = network.History is { } h ? (float[])h.Weights.Clone() : null,
            TokenCount = network.Tokens?.Count ?? 0,
            TokenTable = network.Tokens is { } t ? (float[])t.Weights.Clone() : null,
            CategoricalCounts = network.UserCategoricals.Select(c => c.Count).ToArray(),
            CategoricalTables = network.UserCategoricals.Select(c => (float[])c.Weights.Clone()).ToArray(),
            Scaler = network.UserScaler,
            ExampleAgeSlots = network.Schema.ExampleAgeSlots,
            Widths = widths,
            Weights = weights,
            Biases = biases,
            Known = Enumerable.Range(0, users).Select(u => network.IsKnownUser(u) ? 1f : 0f).ToArray(),
            UserEmbeddings = userEmbeddings,
            ItemEmbeddings = itemEmbeddings,
        };
    }

    /// <summary>Whether 0-based user <paramref name="user"/> had training rows.</summary>
    public bool IsKnown(int user) => (uint)user < (uint)UserCount && Known[user] != 0f;

    /// <summary>
    /// Writes the user embedding of one row into <paramref name="output"/> (<see cref="Dimension"/> values): the tower
    /// on the inputs, with the ID field set when <paramref name="user"/> is a known 0-based user (−1: none). Ids
    /// outside a table's range are skipped (history, tokens) or treated as missing (categoricals);
    /// <paramref name="continuous"/> holds the raw slots of the continuous columns (the example age, when configured, is 0).
    /// </summary>
    public void Embed(int user, ReadOnlySpan<int> history, ReadOnlySpan<int> tokens, ReadOnlySpan<int> categoricals,
        ReadOnlySpan<float> continuous, Span<float> output)
    {
        int d = Dimension;
        var a = new float[MaxWidth];
        var b = new float[MaxWidth];
        int at = 0;
        if (UserIdTable != null)
        {
            if (IsKnown(user)) UserIdTable.AsSpan(user * d, d).CopyTo(a.AsSpan(0, d));
            at += d;
        }
        if (HistoryTable != null) { Pool(HistoryTable, ItemCount, history, a.AsSpan(at, d)); at += d; }
        if (TokenTable != null) { Pool(TokenTable, TokenCount, tokens, a.AsSpan(at, d)); at += d; }
        at = TowerRow.AddCategoricals(CategoricalTables, CategoricalCounts, categoricals, d, a, at);
        var raw = new float[Scaler.RawWidth];
        continuous[..Math.Min(continuous.Length, raw.Length - ExampleAgeSlots)].CopyTo(raw);
        Scaler.Transform(raw, a.AsSpan(at, Scaler.OutputWidth));
        TowerRow.Finish(Widths, Weights, Biases, a, b, Cosine, output);
    }

    /// <summary>Score of a row: the known user's trained embedding, or for any other user the tower on the row's inputs,
    /// dotted with the item's embedding (0 for an item outside the catalog).</summary>
    public float Score(int user, int item, ReadOnlySpan<int> history, ReadOnlySpan<int> tokens, ReadOnlySpan<int> categoricals, ReadOnlySpan<float> continuous)
    {
        if ((uint)item >= (uint)ItemCount) return 0f;
        int d = Dimension;
        return Score(user, ItemEmbeddings.AsSpan(item * d, d), history, tokens, categoricals, continuous);
    }

    /// <summary>Score of a row against the item embedding <paramref name="itemRow"/> (e.g. a new item's, from its features).</summary>
    public float Score(int user, ReadOnlySpan<float> itemRow, ReadOnlySpan<int> history, ReadOnlySpan<int> tokens, ReadOnlySpan<int> categoricals, ReadOnlySpan<float> continuous)
    {
        int d = Dimension;
        if (IsKnown(user)) return TensorPrimitives.Dot<float>(UserEmbeddings.AsSpan(user * d, d), itemRow);
        Span<float> u = stackalloc float[d];
        Embed(-1, history, tokens, categoricals, continuous, u);
        return TensorPrimitives.Dot<float>(u, itemRow);
    }

    private void Pool(float[] table, int count, ReadOnlySpan<int> ids, Span<float> output)
    {
        int d = Dimension, n = 0;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)count) continue;
            TensorPrimitives.Add(output, table.AsSpan(id * d, d), output);
            n++;
        }
        if (n > 0) TensorPrimitives.Multiply(output, 1f / n, output);
    }

    /// <summary>Packs the scorer (layout in the type remarks).</summary>
    public float[] Pack()
    {
        var w = new PackedFloatWriter();
        w.Int(Dimension); w.Bool(Cosine); w.Int(UserCount); w.Int(ItemCount);
        w.Bool(UserIdTable != null); w.Bool(HistoryTable != null); w.Int(TokenCount);
        w.Int(CategoricalCounts.Length);
        foreach (int c in CategoricalCounts) w.Int(c);
        TowerPacking.WriteScaler(w, Scaler);
        w.Int(ExampleAgeSlots);
        TowerPacking.WriteMlp(w, Widths, Weights, Biases);
        if (UserIdTable != null) w.Floats(UserIdTable);
        if (HistoryTable != null) w.Floats(HistoryTable);
        if (TokenTable != null) w.Floats(TokenTable);
        foreach (var t in CategoricalTables) w.Floats(t);
        w.Floats(Known); w.Floats(UserEmbeddings); w.Floats(ItemEmbeddings);
        return w.ToArray(Magic, FormatVersion);
    }

    /// <summary>Reads a scorer written by <see cref="Pack"/>.</summary>
    /// <exception cref="InvalidDataException">The array is not a packed two-tower model of a known format.</exception>
    public static UserTowerScorer Unpack(float[] packed)
    {
        var r = new PackedFloatReader(packed, Magic, FormatVersion, Model);
        int d = r.Int(); bool cosine = r.Bool(); int users = r.Int(); int items = r.Int();
        bool hasIds = r.Bool(), hasHistory = r.Bool(); int tokens = r.Int();
        var counts = new int[r.Int()];
        for (int c = 0; c < counts.Length; c++) counts[c] = r.Int();
        var scaler = TowerPacking.ReadScaler(r);
        int ageSlots = r.Int();
        var (widths, weights, biases) = TowerPacking.ReadMlp(r);
        var scorer = new UserTowerScorer
        {
            Dimension = d,
            Cosine = cosine,
            UserCount = users,
            ItemCount = items,
            UserIdTable = hasIds ? r.Floats(users * d) : null,
            HistoryTable = hasHistory ? r.Floats(items * d) : null,
            TokenCount = tokens,
            TokenTable = tokens > 0 ? r.Floats(tokens * d) : null,
            CategoricalCounts = counts,
            CategoricalTables = counts.Select(c => r.Floats(c * d)).ToArray(),
            Scaler = scaler,
            ExampleAgeSlots = ageSlots,
            Widths = widths,
            Weights = weights,
            Biases = biases,
            Known = r.Floats(users),
            UserEmbeddings = r.Floats(users * d),
            ItemEmbeddings = r.Floats(items * d),
        };
        r.RequireEnd();
        return scorer;
    }
}
