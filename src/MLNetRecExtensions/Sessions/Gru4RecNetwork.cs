using System.Numerics.Tensors;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Sessions;

/// <summary>How the first GRU layer sees an item.</summary>
public enum Gru4RecInputMode
{
    /// <summary>One-hot item: the first layer's input weights are a per-item table <c>[items, 3·H₀]</c>.</summary>
    OneHot,
    /// <summary>A learned item embedding <c>[items, EmbeddingSize]</c>.</summary>
    Embedding,
    /// <summary>The item's output embedding (row of the output weights) is its input: input and output tied.</summary>
    Constrained,
}

/// <summary>
/// The GRU4Rec network: input (one-hot, embedding or constrained), stacked <see cref="GruLayer"/>s, and the output
/// item embeddings <c>OutputWeights [items, H_last]</c> with biases <c>OutputBias [items]</c>; an item's score is
/// <c>h·OutputWeights[item] + OutputBias[item]</c>.
/// </summary>
internal sealed class Gru4RecNetwork
{
    public Gru4RecNetwork(int itemCount, Gru4RecInputMode mode, int embeddingSize, int[] layers, int maxBatch, int threads)
    {
        ItemCount = itemCount;
        Mode = mode;
        LayerSizes = layers.ToArray();
        EmbeddingSize = mode == Gru4RecInputMode.Embedding ? embeddingSize : mode == Gru4RecInputMode.Constrained ? layers[^1] : 0;
        OutputSize = layers[^1];
        OutputWeights = new float[(long)itemCount * OutputSize];
        OutputBias = new float[itemCount];
        InputEmbedding = mode == Gru4RecInputMode.Embedding ? new float[(long)itemCount * embeddingSize] : [];
        Layers = new GruLayer[layers.Length];
        for (int l = 0; l < layers.Length; l++)
        {
            bool oneHot = l == 0 && mode == Gru4RecInputMode.OneHot;
            Layers[l] = new GruLayer(l == 0 ? EmbeddingSize : layers[l - 1], layers[l], oneHot ? itemCount : 0, maxBatch, threads);
        }
    }

    private Gru4RecNetwork(Gru4RecNetwork source, int maxBatch)
    {
        ItemCount = source.ItemCount;
        Mode = source.Mode;
        LayerSizes = source.LayerSizes;
        EmbeddingSize = source.EmbeddingSize;
        OutputSize = source.OutputSize;
        OutputWeights = source.OutputWeights;
        OutputBias = source.OutputBias;
        InputEmbedding = source.InputEmbedding;
        Layers = source.Layers.Select(l => l.ForInference(maxBatch)).ToArray();
    }

    /// <summary>A network sharing these weights with forward buffers for <paramref name="maxBatch"/> rows (one per thread).</summary>
    public Gru4RecNetwork ForInference(int maxBatch) => new(this, maxBatch);

    public int ItemCount { get; }
    public Gru4RecInputMode Mode { get; }
    public int[] LayerSizes { get; }
    public int EmbeddingSize { get; }
    public int OutputSize { get; }
    public float[] OutputWeights { get; }
    public float[] OutputBias { get; }
    public float[] InputEmbedding { get; }
    public GruLayer[] Layers { get; }

    /// <summary>The official initialisation: every weight block uniform in ±√(6 / (rows + columns)), biases 0.</summary>
    public void Initialize(Random rng)
    {
        static void Fill(Random rng, Span<float> values, int rows, int cols)
        {
            // The gate blocks of a GRU matrix [rows, 3·cols] share the scale of one [rows, cols] block.
            float sigma = MathF.Sqrt(6f / (rows + cols));
            for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * sigma;
        }
        if (Mode == Gru4RecInputMode.Embedding) Fill(rng, InputEmbedding, ItemCount, EmbeddingSize);
        foreach (var layer in Layers)
        {
            Fill(rng, layer.InputWeights, layer.InputSize, layer.HiddenSize);
            Fill(rng, layer.HiddenWeights, layer.HiddenSize, layer.HiddenSize);
        }
        Fill(rng, OutputWeights, ItemCount, OutputSize);
    }

    /// <summary>Input rows of the first layer for <paramref name="items"/> (embedding or constrained mode) into <paramref name="x"/> <c>[b, EmbeddingSize]</c>.</summary>
    public void GatherInput(ReadOnlySpan<int> items, Span<float> x)
    {
        var table = Mode == Gru4RecInputMode.Constrained ? OutputWeights : InputEmbedding;
        int d = EmbeddingSize;
        for (int b = 0; b < items.Length; b++) table.AsSpan(items[b] * d, d).CopyTo(x.Slice(b * d, d));
    }

    /// <summary>
    /// Advances the states by one event per row without dropout: <paramref name="states"/>[l] is <c>[≥ b, H_l]</c>,
    /// updated in place; writes the last layer's output into <paramref name="output"/> <c>[b, H_last]</c>.
    /// </summary>
    public void Advance(ReadOnlySpan<int> items, float[][] states, Span<float> output, float[] inputBuffer)
    {
        int b = items.Length;
        for (int l = 0; l < Layers.Length; l++)
        {
            var layer = Layers[l];
            int hs = layer.HiddenSize;
            var h = states[l].AsSpan(0, b * hs);
            var o = l == Layers.Length - 1 ? output : new float[b * hs];
            if (l == 0)
            {
                if (layer.IsOneHot) layer.Forward(b, items, h, o);
                else { GatherInput(items, inputBuffer); layer.Forward(b, inputBuffer, h, o); }
            }
            else layer.Forward(b, states[l - 1].AsSpan(0, b * Layers[l - 1].HiddenSize), h, o);
            o[..(b * hs)].CopyTo(h);
        }
    }

    /// <summary>Scores of every item for each of the <paramref name="batch"/> rows of <paramref name="hidden"/> <c>[b, H_last]</c> into <paramref name="scores"/> <c>[b, items]</c>.</summary>
    public void ScoreAll(int batch, ReadOnlySpan<float> hidden, Span<float> scores, int threads)
    {
        Gemm.Multiply(false, true, batch, ItemCount, OutputSize, 1f, hidden, OutputSize, OutputWeights, OutputSize, 0f, scores, ItemCount, threads);
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(scores.Slice(b * ItemCount, ItemCount), OutputBias, scores.Slice(b * ItemCount, ItemCount));
    }
}
