namespace MLNetRecExtensions.Onnx;

/// <summary>The building blocks the library's exporters share: table lookups, mean pooling of padded bags, dense layers.</summary>
internal static class OnnxBlocks
{
    /// <summary>Row lookup <c>table[ids]</c> of a <c>[rows, width]</c> table; ids int64 of any shape.</summary>
    public static string Gather(OnnxGraphBuilder g, string hint, float[] table, int width, string ids)
    {
        string t = g.Constant(hint, table, table.Length / width, width);
        return g.Node("Gather", [t, ids], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 0));
    }

    /// <summary>
    /// Mean of the looked-up rows of a padded bag <c>[N, L]</c> of key values (0 = padding): the table gets a zero
    /// row 0 in front, the sum over the bag is divided by max(1, count of non-zero keys). Output <c>[N, width]</c>.
    /// </summary>
    public static string MeanPool(OnnxGraphBuilder g, string hint, float[] table, int width, string bag)
    {
        var padded = new float[table.Length + width];
        table.CopyTo(padded, width);
        string rows = Gather(g, hint, padded, width, bag);                       // [N, L, w]
        string axis1 = g.Int64Constant("axis1", [1], 1);
        string sum = g.Node("ReduceSum", [rows, axis1], attributes: n => OnnxGraphBuilder.IntAttribute(n, "keepdims", 0));
        string zero = g.Int64Constant("zero", [0]);
        string present = g.Node("Cast", [g.Node("Greater", [bag, zero])], attributes: n => OnnxGraphBuilder.IntAttribute(n, "to", 1));
        string count = g.Node("ReduceSum", [present, axis1], attributes: n => OnnxGraphBuilder.IntAttribute(n, "keepdims", 1));
        string one = g.Constant("one", [1f]);
        return g.Node("Div", [sum, g.Node("Max", [count, one])]);
    }

    /// <summary>Column <paramref name="index"/> of an int64 <c>[N, C]</c> input, as <c>[N]</c>.</summary>
    public static string Column(OnnxGraphBuilder g, string input, int index)
    {
        string i = g.Int64Constant("col", [index]); // a scalar index: Gather on axis 1 drops that axis
        return g.Node("Gather", [input, i], attributes: n => OnnxGraphBuilder.IntAttribute(n, "axis", 1));
    }

    /// <summary>Dense layers <c>x·W + b</c> with ReLU between them (not after the last); W is <c>[in, out]</c> row-major.</summary>
    public static string Mlp(OnnxGraphBuilder g, string x, IReadOnlyList<int> widths, IReadOnlyList<float[]> weights, IReadOnlyList<float[]> biases)
    {
        for (int l = 0; l < weights.Count; l++)
        {
            string w = g.Constant("W", weights[l], widths[l], widths[l + 1]);
            string b = g.Constant("b", biases[l], widths[l + 1]);
            x = g.Node("Add", [g.Node("MatMul", [x, w]), b]);
            if (l < weights.Count - 1) x = g.Node("Relu", [x]);
        }
        return x;
    }

    /// <summary>Rows divided by their L2 norm (rows of norm 0 stay 0).</summary>
    public static string L2Normalize(OnnxGraphBuilder g, string x)
    {
        string norm = g.Node("ReduceL2", [x], attributes: n =>
        {
            OnnxGraphBuilder.IntsAttribute(n, "axes", 1); // opset 17: ReduceL2 takes its axes as an attribute
            OnnxGraphBuilder.IntAttribute(n, "keepdims", 1);
        });
        string tiny = g.Constant("tiny", [1e-30f]);
        return g.Node("Div", [x, g.Node("Max", [norm, tiny])]);
    }

    /// <summary>Row-wise dot product of two <c>[N, d]</c> tensors, as <c>[N]</c>.</summary>
    public static string RowDot(OnnxGraphBuilder g, string a, string b)
    {
        string axis1 = g.Int64Constant("axis1", [1], 1);
        return g.Node("ReduceSum", [g.Node("Mul", [a, b]), axis1], attributes: n => OnnxGraphBuilder.IntAttribute(n, "keepdims", 0));
    }

    /// <summary>
    /// The ONNX form of a lookup model (see <c>DotProductScoring</c>): inputs <paramref name="userInput"/> and
    /// <paramref name="itemInput"/> int64 <c>[N]</c> (key values; row 0 of each table serves key 0), output <c>Score</c>
    /// float <c>[N]</c> = the row-wise dot product of the looked-up rows.
    /// </summary>
    public static byte[] LookupDot(string name, string userInput, string itemInput, IReadOnlyList<float[]> userRows, IReadOnlyList<float[]> itemRows)
    {
        var g = new OnnxGraphBuilder(name);
        int width = itemRows[0].Length;
        string u = Gather(g, "users", userRows.SelectMany(r => r).ToArray(), width, g.Input(userInput, int64: true));
        string i = Gather(g, "items", itemRows.SelectMany(r => r).ToArray(), width, g.Input(itemInput, int64: true));
        g.Node("Identity", [RowDot(g, u, i)], "Score");
        g.Output("Score");
        return g.ToBytes();
    }
}
