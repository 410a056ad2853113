using MLNetRecExtensions.Onnx;

namespace MLNetRecExtensions.Ranking;

/// <summary>The ONNX graph of a Wide &amp; Deep model (see <see cref="WideAndDeepTransformer.ExportToOnnx"/>).</summary>
internal static class WideAndDeepOnnxExport
{
    public static byte[] Build(WideAndDeepModelParameters p)
    {
        var g = new OnnxGraphBuilder("wide_and_deep");
        string logit = g.Constant("bias", [p.Bias], 1);
        var wideWeights = p.WideWeights.ToArray();
        if (wideWeights.Length > 0)
        {
            string wide = g.Input("Wide", int64: false, wideWeights.Length);
            string w = g.Constant("wide_w", wideWeights, wideWeights.Length, 1);
            logit = g.Node("Add", [logit, Squeeze(g, g.Node("MatMul", [wide, w]))]);
        }
        if (p.LayerWidths.Count > 0)
        {
            var parts = new List<string>();
            int dim = p.EmbeddingDimension;
            if (p.Embeddings.Count > 0)
            {
                string cats = g.Input("Categorical", int64: true, p.Embeddings.Count);
                for (int c = 0; c < p.Embeddings.Count; c++)
                    parts.Add(OnnxBlocks.Gather(g, "emb" + c, p.Embeddings[c].Values, dim, OnnxBlocks.Column(g, cats, c)));
            }
            int slots = p.Shift.Count;
            if (slots > 0)
            {
                string cont = g.Input("Continuous", int64: false, slots);
                parts.Add(g.Node("Mul", [g.Node("Sub", [cont, g.Constant("shift", p.Shift.ToArray(), slots)]), g.Constant("scale", p.Scale.ToArray(), slots)]));
            }
            string x = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 1));
            logit = g.Node("Add", [logit, Squeeze(g, OnnxBlocks.Mlp(g, x, p.LayerWidths, p.LayerWeights, p.LayerBiases))]);
        }
        g.Node("Identity", [logit], "Score");
        g.Node("Sigmoid", ["Score"], "Probability");
        g.Output("Score");
        g.Output("Probability");
        return g.ToBytes();
    }

    private static string Squeeze(OnnxGraphBuilder g, string x) => g.Node("Squeeze", [x, g.Int64Constant("axis1", [1], 1)]);
}
