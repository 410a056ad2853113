using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The deep part: one embedding table per categorical column (<c>[keyCount + 1, dimension]</c>, row = key value,
/// row 0 for unknown keys, initialised to zero) and the normalised continuous slots, concatenated into the MLP input
/// <c>[batch, columns·dimension + slots]</c> (embeddings in column order, then the slots), then the MLP
/// <c>input → hidden… → 1</c> (ReLU, Xavier init, linear output). Trained with AdaGrad: embeddings sparsely (touched
/// rows only), MLP weights densely.
/// </summary>
internal sealed class DeepPart
{
    private readonly AdaGradOptimizer[] _embeddingOptimizers;
    private readonly AdaGradOptimizer[] _mlpOptimizers;
    private readonly int[] _keyCounts;
    private int[][] _ids = [];
    private float[] _input = [];
    private int _batch;

    public DeepPart(WideAndDeepInputs inputs, WideAndDeepOptions options, float[] shift, float[] scale)
    {
        Dimension = options.EmbeddingDimension;
        _keyCounts = inputs.KeyCounts;
        Embeddings = new Embedding[inputs.KeyCounts.Length];
        for (int c = 0; c < Embeddings.Length; c++)
        {
            Embeddings[c] = new Embedding(inputs.KeyCounts[c] + 1, Dimension, 1f / MathF.Sqrt(Dimension), options.Seed * 7919 + 101 * c);
            Embeddings[c].Row(0).Clear();
        }
        Shift = shift;
        Scale = scale;
        InputSize = Embeddings.Length * Dimension + shift.Length;
        var widths = new List<int> { InputSize };
        widths.AddRange(options.HiddenLayers);
        widths.Add(1);
        Mlp = new Mlp(widths, linearOutput: true, seed: options.Seed);
        _embeddingOptimizers = Embeddings.Select(e => new AdaGradOptimizer(e.Weights.Length, options.DeepLearningRate)).ToArray();
        _mlpOptimizers = Mlp.Parameters.Select(p => new AdaGradOptimizer(p.Values.Length, options.DeepLearningRate)).ToArray();
        EmbeddingGradients = new SparseRowGradient?[Embeddings.Length];
    }

    public int Dimension { get; }
    public int InputSize { get; }
    public Embedding[] Embeddings { get; }
    public float[] Shift { get; }
    public float[] Scale { get; }
    public Mlp Mlp { get; }

    /// <summary>Sparse embedding gradients of the last <see cref="Backward"/> (null before one).</summary>
    public SparseRowGradient?[] EmbeddingGradients { get; }

    /// <summary>Adds the MLP output to <c>logits[j]</c> for the j-th row <c>rows[j]</c>; keeps what Backward needs.</summary>
    public void Forward(WideAndDeepExamples examples, ReadOnlySpan<int> rows, Span<float> logits)
    {
        int batch = rows.Length, cols = Embeddings.Length, slots = Shift.Length;
        _batch = batch;
        _input = new float[batch * InputSize];
        _ids = new int[cols][];
        var gathered = new float[batch * Dimension];
        for (int c = 0; c < cols; c++)
        {
            var ids = _ids[c] = new int[batch];
            for (int j = 0; j < batch; j++)
            {
                int key = examples.Categorical[rows[j] * cols + c];
                ids[j] = key <= _keyCounts[c] ? key : 0;
            }
            Embeddings[c].Forward(ids, gathered);
            for (int j = 0; j < batch; j++)
                gathered.AsSpan(j * Dimension, Dimension).CopyTo(_input.AsSpan(j * InputSize + c * Dimension, Dimension));
        }
        int offset = cols * Dimension;
        for (int j = 0; j < batch; j++)
        {
            int src = rows[j] * slots, dst = j * InputSize + offset;
            for (int s = 0; s < slots; s++) _input[dst + s] = (examples.Continuous[src + s] - Shift[s]) * Scale[s];
        }
        var output = Mlp.Forward(_input, batch);
        for (int j = 0; j < batch; j++) logits[j] += output[j];
    }

    /// <summary>Back-propagates <paramref name="dLogits"/> of the last Forward into the MLP and embedding gradients.</summary>
    public void Backward(ReadOnlySpan<float> dLogits)
    {
        int cols = Embeddings.Length;
        var dInput = new float[_batch * InputSize];
        Mlp.Backward(dLogits, dInput);
        var dRows = new float[_batch * Dimension];
        for (int c = 0; c < cols; c++)
        {
            for (int j = 0; j < _batch; j++)
                dInput.AsSpan(j * InputSize + c * Dimension, Dimension).CopyTo(dRows.AsSpan(j * Dimension, Dimension));
            EmbeddingGradients[c] = Embeddings[c].Backward(_ids[c], dRows);
        }
    }

    /// <summary>One AdaGrad step from the last Backward, then clears the gradients.</summary>
    public void Step()
    {
        for (int c = 0; c < Embeddings.Length; c++)
            if (EmbeddingGradients[c] is { } g) _embeddingOptimizers[c].StepSparse(Embeddings[c].Weights, g);
        var parameters = Mlp.Parameters;
        for (int p = 0; p < parameters.Count; p++) parameters[p].Step(_mlpOptimizers[p]);
        ZeroGradients();
    }

    /// <summary>Clears the MLP and embedding gradients.</summary>
    public void ZeroGradients()
    {
        Mlp.ZeroGradients();
        Array.Clear(EmbeddingGradients);
    }
}
