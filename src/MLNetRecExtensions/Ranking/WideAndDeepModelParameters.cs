using System.Numerics.Tensors;
using Microsoft.ML.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The trained parameters of a Wide &amp; Deep model, and its single-row scoring function
/// <c>logit = Bias + Σ_i WideWeights[i]·x_i + MLP(e_1(k_1) ⊕ … ⊕ e_C(k_C) ⊕ (c − Shift)·Scale)</c>, where
/// <c>e_c</c> is row <c>k_c</c> of <c>Embeddings[c]</c> (row 0 for key 0 and keys above the trained count).
/// </summary>
/// <remarks>
/// The whole model packs into one <c>float[]</c> (<see cref="Pack"/>), stored in saved models behind the
/// <c>MLNetRec.WideAndDeep.v1</c> contract. Layout: <c>[magic 8771, format 1, fingerprint a, b, c]</c>, then the body:
/// integers as two floats (low 16 bits, high 16 bits) — mode, wide length, categorical columns, embedding dimension,
/// continuous columns, dense layers L, the L + 1 layer widths, per categorical column its table rows and name, per
/// continuous column its width and name (names as a length and one float per UTF-16 unit) — then the floats: bias,
/// wide weights, each embedding table <c>[rows, dimension]</c> row-major, shift, scale, and per layer W
/// <c>[in, out]</c> row-major and b <c>[out]</c>. The fingerprint is a 63-bit FNV-1a hash of the body in three
/// 21-bit chunks; scorers cache the unpacked model by it. Every stored integer is exact in a float.
/// </remarks>
public sealed class WideAndDeepModelParameters
{
    private const int Magic = 8771;
    private const int FormatVersion = 1;
    private const int HeaderLength = 5;

    internal WideAndDeepModelParameters(WideAndDeepMode mode, float bias, float[] wideWeights, string[] categoricalColumns,
        EmbeddingTable[] embeddings, int embeddingDimension, string[] continuousColumns, int[] continuousWidths,
        float[] shift, float[] scale, int[] layerWidths, float[][] layerWeights, float[][] layerBiases)
    {
        Mode = mode;
        Bias = bias;
        WideWeights = wideWeights;
        CategoricalColumns = categoricalColumns;
        Embeddings = embeddings;
        EmbeddingDimension = embeddingDimension;
        ContinuousColumns = continuousColumns;
        ContinuousWidths = continuousWidths;
        Shift = shift;
        Scale = scale;
        LayerWidths = layerWidths;
        LayerWeights = layerWeights;
        LayerBiases = layerBiases;
        MaxWidth = layerWidths.Length == 0 ? 0 : layerWidths.Max();
    }

    /// <summary>Which parts the model has.</summary>
    public WideAndDeepMode Mode { get; }
    /// <summary>The global bias.</summary>
    public float Bias { get; }
    /// <summary>Wide weights, one per slot of the wide vector (empty in deep-only mode).</summary>
    public IReadOnlyList<float> WideWeights { get; }
    /// <summary>Categorical columns, in input order.</summary>
    public IReadOnlyList<string> CategoricalColumns { get; }
    /// <summary>One table per categorical column, <c>[keyCount + 1, EmbeddingDimension]</c>; row k serves key k, row 0 unknown keys.</summary>
    public IReadOnlyList<EmbeddingTable> Embeddings { get; }
    /// <summary>Embedding dimension.</summary>
    public int EmbeddingDimension { get; }
    /// <summary>Continuous columns, in input order.</summary>
    public IReadOnlyList<string> ContinuousColumns { get; }
    /// <summary>Slots of each continuous column.</summary>
    public IReadOnlyList<int> ContinuousWidths { get; }
    /// <summary>Per-slot shift of the normalisation <c>(x − Shift)·Scale</c>.</summary>
    public IReadOnlyList<float> Shift { get; }
    /// <summary>Per-slot scale of the normalisation.</summary>
    public IReadOnlyList<float> Scale { get; }
    /// <summary>MLP widths: input, hidden…, 1 (empty in wide-only mode).</summary>
    public IReadOnlyList<int> LayerWidths { get; }
    /// <summary>Per dense layer, W as <c>[in, out]</c> row-major.</summary>
    public IReadOnlyList<float[]> LayerWeights { get; }
    /// <summary>Per dense layer, b as <c>[out]</c>.</summary>
    public IReadOnlyList<float[]> LayerBiases { get; }

    private int MaxWidth { get; }
    private float[] WideArray => (float[])WideWeights;
    private float[] ShiftArray => (float[])Shift;
    private float[] ScaleArray => (float[])Scale;

    /// <summary>The fingerprint floats of a packed model (header slots 2..4), for cache checks.</summary>
    internal static bool SameModel(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.Length == b.Length && a.Length >= HeaderLength && a[2] == b[2] && a[3] == b[3] && a[4] == b[4];

    /// <summary>
    /// Logit of one row whose three inputs each carry a padding slot 0 (as built by the scoring chain): the wide
    /// vector (slot i + 1 is wide slot i), the categorical key values (slot c + 1 is column c) and the continuous
    /// slots (slot s + 1 is slot s).
    /// </summary>
    /// <exception cref="InvalidDataException">A continuous value is NaN or infinite (the column is named).</exception>
    internal float Logit(in VBuffer<float> wide, in VBuffer<float> categorical, in VBuffer<float> continuous)
    {
        float logit = Bias;
        if (WideArray.Length > 0)
        {
            var values = wide.GetValues();
            var weights = WideArray;
            if (wide.IsDense)
            {
                int n = Math.Min(values.Length - 1, weights.Length);
                if (n > 0) logit += TensorPrimitives.Dot(values.Slice(1, n), weights.AsSpan(0, n));
            }
            else
            {
                var indices = wide.GetIndices();
                for (int p = 0; p < values.Length; p++)
                {
                    int i = indices[p] - 1;
                    if ((uint)i < (uint)weights.Length) logit += weights[i] * values[p];
                }
            }
        }
        if (LayerWidths.Count > 0) logit += DeepLogit(categorical, continuous);
        return logit;
    }

    private float DeepLogit(in VBuffer<float> categorical, in VBuffer<float> continuous)
    {
        int dim = EmbeddingDimension, cols = Embeddings.Count, slots = ShiftArray.Length;
        Span<float> a = stackalloc float[MaxWidth];
        Span<float> b = stackalloc float[MaxWidth];
        var input = a[..LayerWidths[0]];
        for (int c = 0; c < cols; c++)
        {
            var table = Embeddings[c];
            float key = categorical.GetItemOrDefault(c + 1);
            int row = key >= 1f && key < table.Count ? (int)key : 0;
            table.Row(row).CopyTo(input.Slice(c * dim, dim));
        }
        var cont = input.Slice(cols * dim, slots);
        if (slots > 0)
        {
            for (int s = 0; s < slots; s++) cont[s] = continuous.GetItemOrDefault(s + 1);
            for (int s = 0; s < slots; s++)
                if (!float.IsFinite(cont[s])) ThrowNonFinite(s, cont[s]);
            TensorPrimitives.Subtract(cont, ShiftArray, cont);
            TensorPrimitives.Multiply(cont, ScaleArray, cont);
        }
        // Ping-pong between the two full-width buffers (input is only the prefix of a, too short when a hidden layer
        // is wider than the input).
        return Numerics.RowMlp.Forward(LayerWidths, LayerWeights, LayerBiases, a, b)[0];
    }

    private void ThrowNonFinite(int slot, float value)
    {
        int c = 0, start = 0;
        while (start + ContinuousWidths[c] <= slot) start += ContinuousWidths[c++];
        throw new InvalidDataException(
            $"The continuous column '{ContinuousColumns[c]}' holds {value}{(ContinuousWidths[c] > 1 ? $" in slot {slot - start}" : "")} " +
            "in a scored row; continuous inputs must be finite. Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
    }

    /// <summary>Packs the model into one array (layout in the type remarks).</summary>
    internal float[] Pack()
    {
        var w = new Persistence.PackedFloatWriter();
        w.Int((int)Mode);
        w.Int(WideArray.Length);
        w.Int(Embeddings.Count);
        w.Int(EmbeddingDimension);
        w.Int(ContinuousColumns.Count);
        w.Int(LayerWeights.Count);
        foreach (int width in LayerWidths) w.Int(width);
        for (int c = 0; c < Embeddings.Count; c++) { w.Int(Embeddings[c].Count); w.Name(CategoricalColumns[c]); }
        for (int c = 0; c < ContinuousColumns.Count; c++) { w.Int(ContinuousWidths[c]); w.Name(ContinuousColumns[c]); }
        w.Floats([Bias]);
        w.Floats(WideArray);
        foreach (var t in Embeddings) w.Floats(t.Values);
        w.Floats(ShiftArray);
        w.Floats(ScaleArray);
        for (int l = 0; l < LayerWeights.Count; l++) { w.Floats(LayerWeights[l]); w.Floats(LayerBiases[l]); }
        return w.ToArray(Magic, FormatVersion);
    }

    /// <summary>Reads a model written by <see cref="Pack"/>.</summary>
    /// <exception cref="InvalidDataException">The array is not a packed model of a known format.</exception>
    internal static WideAndDeepModelParameters Unpack(ReadOnlySpan<float> packed)
    {
        var reader = new Persistence.PackedFloatReader(packed.ToArray(), Magic, FormatVersion, "Wide & Deep");
        var mode = (WideAndDeepMode)reader.Int();
        int wideLength = reader.Int(), cols = reader.Int(), dim = reader.Int(), contCols = reader.Int(), layers = reader.Int();
        var widths = Enumerable.Range(0, layers == 0 ? 0 : layers + 1).Select(_ => reader.Int()).ToArray();
        var rows = new int[cols];
        var catNames = new string[cols];
        for (int c = 0; c < cols; c++) { rows[c] = reader.Int(); catNames[c] = reader.Name(); }
        var contWidths = new int[contCols];
        var contNames = new string[contCols];
        for (int c = 0; c < contCols; c++) { contWidths[c] = reader.Int(); contNames[c] = reader.Name(); }
        float bias = reader.Floats(1)[0];
        var wide = reader.Floats(wideLength);
        var tables = rows.Select(r => new EmbeddingTable(r, dim, reader.Floats(r * dim))).ToArray();
        int slots = contWidths.Sum();
        var shift = reader.Floats(slots);
        var scale = reader.Floats(slots);
        var weights = new float[layers][];
        var biases = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            weights[l] = reader.Floats(widths[l] * widths[l + 1]);
            biases[l] = reader.Floats(widths[l + 1]);
        }
        reader.RequireEnd();
        return new WideAndDeepModelParameters(mode, bias, wide, catNames, tables, dim, contNames, contWidths, shift, scale, widths, weights, biases);
    }
}
