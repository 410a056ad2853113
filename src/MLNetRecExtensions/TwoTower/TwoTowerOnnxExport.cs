using MLNetRecExtensions.Onnx;

namespace MLNetRecExtensions.TwoTower;

/// <summary>ONNX graphs of a two-tower model's user tower and item embeddings (see <see cref="TwoTowerTransformer.ExportUserTowerToOnnx"/>).</summary>
internal static class TwoTowerOnnxExport
{
    public static byte[] UserTower(UserTowerScorer s)
    {
        if (s.Scaler.Buckets > 0)
            throw new NotSupportedException("ONNX export of a user tower with ContinuousBuckets > 0 is not supported; train with ContinuousBuckets = 0 to export.");
        var g = new OnnxGraphBuilder("two_tower_user_tower");
        int d = s.Dimension;
        string user = g.Input("User", int64: true);
        var parts = new List<string>();
        if (s.UserIdTable != null)
        {
            var table = new float[(s.UserCount + 1) * d]; // row k = key k; key 0 and users without training rows embed to 0
            for (int u = 0; u < s.UserCount; u++)
                if (s.IsKnown(u)) s.UserIdTable.AsSpan(u * d, d).CopyTo(table.AsSpan((u + 1) * d, d));
            parts.Add(OnnxBlocks.Gather(g, "user_ids", table, d, user));
        }
        if (s.HistoryTable != null) parts.Add(OnnxBlocks.MeanPool(g, "history", s.HistoryTable, d, g.Input("History", int64: true, -1)));
        if (s.TokenTable != null) parts.Add(OnnxBlocks.MeanPool(g, "tokens", s.TokenTable, d, g.Input("Tokens", int64: true, -1)));
        if (s.CategoricalTables.Length > 0)
        {
            string cats = g.Input("Categorical", int64: true, s.CategoricalTables.Length);
            for (int f = 0; f < s.CategoricalTables.Length; f++)
            {
                var table = new float[s.CategoricalTables[f].Length + d];
                s.CategoricalTables[f].CopyTo(table, d);
                parts.Add(OnnxBlocks.Gather(g, "cat" + f, table, d, OnnxBlocks.Column(g, cats, f)));
            }
        }
        if (s.Scaler.RawWidth > 0) parts.Add(Continuous(g, s, user));
        string x = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 1));
        x = OnnxBlocks.Mlp(g, x, s.Widths, s.Weights, s.Biases);
        if (s.Cosine) x = OnnxBlocks.L2Normalize(g, x);
        g.Node("Identity", [x], "UserEmbedding");
        g.Output("UserEmbedding", d);
        return g.ToBytes();
    }

    public static byte[] ItemEmbeddings(UserTowerScorer s)
    {
        var g = new OnnxGraphBuilder("two_tower_item_embeddings");
        int d = s.Dimension;
        var table = new float[(s.ItemCount + 1) * d]; // row k = key k; key 0 (unknown item) embeds to 0
        s.ItemEmbeddings.CopyTo(table, d);
        g.Node("Identity", [OnnxBlocks.Gather(g, "items", table, d, g.Input("Item", int64: true))], "ItemEmbedding");
        g.Output("ItemEmbedding", d);
        return g.ToBytes();
    }

    /// <summary>The continuous inputs as the shared scaler prepares them (the example age, when configured, is the constant 0).</summary>
    private static string Continuous(OnnxGraphBuilder g, UserTowerScorer s, string user)
    {
        var sc = s.Scaler;
        int w = sc.RawWidth - s.ExampleAgeSlots;
        string raw = w > 0 ? g.Input("Continuous", int64: false, w) : "";
        if (s.ExampleAgeSlots > 0)
        {
            // A [N, 1] column of zeros shaped by the user input.
            string zeros = g.Node("Mul", [g.Node("Cast", [g.Node("Unsqueeze", [user, g.Int64Constant("axis1", [1], 1)])],
                attributes: n => OnnxGraphBuilder.IntAttribute(n, "to", 1)), g.Constant("zero", [0f])]);
            raw = w > 0 ? g.Node("Concat", [raw, zeros], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 1)) : zeros;
        }
        string x = g.Node("Mul", [g.Node("Sub", [raw, g.Constant("shift", sc.Shift, sc.RawWidth)]), g.Constant("scale", sc.Scale, sc.RawWidth)]);
        if (sc.Clamp) x = g.Node("Clip", [x, g.Constant("lo", [0f]), g.Constant("hi", [1f])]);
        if (!sc.AddPowers) return x;
        string square = g.Node("Mul", [x, x]);
        string root = sc.Clamp ? g.Node("Sqrt", [x]) : g.Node("Mul", [g.Node("Sign", [x]), g.Node("Sqrt", [g.Node("Abs", [x])])]);
        return g.Node("Concat", [x, square, root], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 1));
    }
}
