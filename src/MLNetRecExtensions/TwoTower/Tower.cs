using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>The inputs of one tower for a batch of <see cref="Rows"/> rows: one bag per field and row, and the scaled
/// continuous features <c>[Rows, continuous width]</c> row-major.</summary>
internal sealed class TowerInput
{
    public required int Rows { get; init; }
    public required Bags[] Fields { get; init; }
    public required float[] Continuous { get; init; }
}

/// <summary>
/// One tower: every field is mean-pooled from its embedding table (a single id is a bag of one; an empty bag pools to
/// zero), the pooled vectors and the continuous features are concatenated (<c>[rows, Σ dims + continuous]</c>) and run
/// through an MLP with ReLU hidden layers and a linear output of <see cref="OutputSize"/>. Without hidden layers and
/// with a single field of the output width and no continuous features, the tower is the identity on the pooled field
/// (an item tower of IDs only is its embedding table). A RESIDUAL tower adds field 0 (the ID embedding) to the MLP's
/// output and feeds the MLP only the other fields and the continuous features: <c>out = e_id + MLP(features)</c>, a
/// learned mix in which an unseen ID (an empty bag) leaves the feature path alone.
/// </summary>
internal sealed class Tower
{
    private readonly Dictionary<Embedding, (float[] Values, bool[] Touched)> _denseScratch = new(ReferenceEqualityComparer.Instance);
    private float[] _concatenated = [];

    public Tower(Embedding[] fields, int continuousWidth, int[]? hiddenLayers, int outputSize, int seed, bool residual = false)
    {
        Fields = fields;
        ContinuousWidth = continuousWidth;
        Residual = residual && hiddenLayers != null && fields.Length > 0 && fields[0].Dimension == outputSize;
        FirstMlpField = Residual ? 1 : 0;
        InputSize = fields.Skip(FirstMlpField).Sum(f => f.Dimension) + continuousWidth;
        OutputSize = outputSize;
        if (hiddenLayers != null) Mlp = new Mlp([InputSize, .. hiddenLayers, outputSize], linearOutput: true, seed);
        else if (fields.Length != 1 || continuousWidth != 0 || fields[0].Dimension != outputSize)
            throw new ArgumentException("An identity tower needs exactly one field of the output width and no continuous features.");
    }

    /// <summary>Embedding table of each field (a table may serve several fields or both towers).</summary>
    public Embedding[] Fields { get; }
    public int ContinuousWidth { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    /// <summary>Whether field 0 is added to the MLP output instead of feeding the MLP.</summary>
    public bool Residual { get; }
    /// <summary>The first field the MLP reads (1 for a residual tower).</summary>
    public int FirstMlpField { get; }
    /// <summary>The MLP, or null for the identity tower.</summary>
    public Mlp? Mlp { get; }

    /// <summary>Runs the tower on <paramref name="input"/>; returns a new <c>[rows, OutputSize]</c> array.</summary>
    public float[] Forward(TowerInput input)
    {
        int n = input.Rows;
        if (Mlp == null)
        {
            var output = new float[n * OutputSize];
            Fields[0].ForwardMean(input.Fields[0].Offsets, input.Fields[0].Indices, output);
            return output;
        }
        _concatenated = new float[n * InputSize];
        int column = 0;
        for (int f = FirstMlpField; f < Fields.Length; f++)
        {
            int d = Fields[f].Dimension;
            var pooled = new float[n * d];
            Fields[f].ForwardMean(input.Fields[f].Offsets, input.Fields[f].Indices, pooled);
            for (int r = 0; r < n; r++) pooled.AsSpan(r * d, d).CopyTo(_concatenated.AsSpan(r * InputSize + column, d));
            column += d;
        }
        for (int r = 0; r < n; r++)
            input.Continuous.AsSpan(r * ContinuousWidth, ContinuousWidth).CopyTo(_concatenated.AsSpan(r * InputSize + column, ContinuousWidth));
        var result = Mlp.Forward(_concatenated, n).ToArray();
        if (Residual)
        {
            var id = new float[n * OutputSize];
            Fields[0].ForwardMean(input.Fields[0].Offsets, input.Fields[0].Indices, id);
            System.Numerics.Tensors.TensorPrimitives.Add(result, id, result);
        }
        return result;
    }

    /// <summary>Back-propagates <paramref name="dOutput"/> through the last <see cref="Forward"/> of <paramref name="input"/>:
    /// MLP gradients are added to its parameters, embedding gradients go to <paramref name="sink"/>.</summary>
    public void Backward(TowerInput input, ReadOnlySpan<float> dOutput, GradientSink sink)
    {
        int n = input.Rows;
        if (Mlp == null)
        {
            sink.Add(Fields[0], PooledGradient(Fields[0], input.Fields[0], dOutput));
            return;
        }
        var dInput = new float[n * InputSize];
        Mlp.Backward(dOutput, dInput);
        if (Residual) sink.Add(Fields[0], PooledGradient(Fields[0], input.Fields[0], dOutput));
        int column = 0;
        for (int f = FirstMlpField; f < Fields.Length; f++)
        {
            int d = Fields[f].Dimension;
            var dPooled = new float[n * d];
            for (int r = 0; r < n; r++) dInput.AsSpan(r * InputSize + column, d).CopyTo(dPooled.AsSpan(r * d, d));
            sink.Add(Fields[f], PooledGradient(Fields[f], input.Fields[f], dPooled));
            column += d;
        }
    }

    /// <summary>
    /// Sparse gradient of mean pooling (as <see cref="Embedding.BackwardMean"/>). When the bags hold many ids relative
    /// to the table (long histories), it accumulates into a dense scratch table and compacts the touched rows, which
    /// avoids sorting and searching every occurrence.
    /// </summary>
    internal SparseRowGradient PooledGradient(Embedding table, Bags bags, ReadOnlySpan<float> dPooled)
    {
        int occurrences = bags.Indices.Length, d = table.Dimension;
        if (occurrences < 4 * bags.Count || occurrences < table.Count / 4)
            return table.BackwardMean(bags.Offsets, bags.Indices, dPooled);
        if (!_denseScratch.TryGetValue(table, out var scratch))
            _denseScratch[table] = scratch = (new float[table.Weights.Length], new bool[table.Count]);
        var (dense, mark) = scratch;
        var touched = new List<int>();
        for (int b = 0; b < bags.Count; b++)
        {
            int start = bags.Offsets[b], end = bags.Offsets[b + 1];
            if (end == start) continue;
            float scale = 1f / (end - start);
            var upstream = dPooled.Slice(b * d, d);
            for (int j = start; j < end; j++)
            {
                int id = bags.Indices[j];
                if (!mark[id]) { mark[id] = true; touched.Add(id); }
                var row = dense.AsSpan(id * d, d);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(upstream, scale, row, row);
            }
        }
        touched.Sort();
        var values = new float[touched.Count * d];
        for (int s = 0; s < touched.Count; s++)
        {
            var row = dense.AsSpan(touched[s] * d, d);
            row.CopyTo(values.AsSpan(s * d, d));
            row.Clear();
            mark[touched[s]] = false;
        }
        var sources = Enumerable.Range(0, touched.Count).ToArray();
        var scales = Enumerable.Repeat(1f, touched.Count).ToArray();
        return SparseRowGradient.Accumulate(touched.ToArray(), d, values, sources, scales);
    }
}
