using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// A trained GRU4Rec network: reads a session event by event and scores every catalog item as the next one
/// (<c>score(i) = h·W[i] + b[i]</c>, h the last layer's state; raw scores, before the final activation, which is
/// monotone and does not change rankings). Item indices are 0-based (ML.NET key − 1); <see cref="ItemIds"/> holds
/// the original ids when the training data carried them.
/// </summary>
/// <remarks>
/// Thread safety: the model is immutable; <see cref="Recommend"/> allocates its own buffers and may be called in
/// parallel; each <see cref="ISessionScorer"/> from <see cref="CreateScorer"/> belongs to one thread.
/// </remarks>
public sealed class Gru4RecModel : ISessionRecommender
{
    private const int Magic = 4127;
    private const int FormatVersion = 1;
    private readonly float[] _popularity;

    internal Gru4RecModel(Gru4RecNetwork network, float[] popularity, int topK, IReadOnlyList<string>? itemIds,
        IReadOnlyList<Gru4RecProgress> history, Gru4RecFinalActivation activation)
    {
        Network = network.ForInference(1);
        _popularity = popularity;
        TopK = topK;
        ItemIds = itemIds;
        TrainingHistory = history;
        FinalActivation = activation;
    }

    internal Gru4RecNetwork Network { get; }

    /// <inheritdoc/>
    public string Name { get; init; } = "GRU4Rec";
    /// <inheritdoc/>
    public int ItemCount => Network.ItemCount;
    /// <summary>Hidden sizes of the GRU layers.</summary>
    public IReadOnlyList<int> Layers => Network.LayerSizes;
    /// <summary>How the first layer reads an item.</summary>
    public Gru4RecInputMode InputMode => Network.Mode;
    /// <summary>The final activation the model was trained with (not applied to the returned scores).</summary>
    public Gru4RecFinalActivation FinalActivation { get; }
    /// <summary>Items returned by the transformer per prediction.</summary>
    public int TopK { get; }
    /// <summary>Original item ids by index, or null.</summary>
    public IReadOnlyList<string>? ItemIds { get; }
    /// <summary>One report per training epoch (empty for a model unpacked from a file).</summary>
    public IReadOnlyList<Gru4RecProgress> TrainingHistory { get; }
    /// <summary>Training events per item (the empty-prefix fallback ranks by it).</summary>
    public IReadOnlyList<float> Popularity => _popularity;

    /// <summary>
    /// The top <paramref name="k"/> next items after the session <paramref name="prefix"/> (0-based item indices,
    /// oldest first), best first; on equal scores the lower index first. Indices outside the catalog are skipped
    /// (unknown items); when none is left the most popular items are returned with their training counts as scores.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public (int[] Items, float[] Scores) Recommend(ReadOnlySpan<int> prefix, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        k = Math.Min(k, ItemCount);
        var scores = ScoreAfter(prefix) ?? _popularity;
        var heap = new TopKHeap(k);
        for (int i = 0; i < scores.Length; i++) heap.Offer(scores[i], i);
        var items = new int[heap.Count];
        var best = new float[heap.Count];
        heap.Drain(items, best);
        return (items, best);
    }

    /// <summary>Scores of every item after <paramref name="prefix"/> (unknown indices skipped), or null when no known item is left.</summary>
    public float[]? ScoreAfter(ReadOnlySpan<int> prefix)
    {
        var net = Network.ForInference(1);
        var states = net.LayerSizes.Select(h => new float[h]).ToArray();
        var hidden = new float[net.OutputSize];
        var input = new float[Math.Max(1, net.EmbeddingSize)];
        bool any = false;
        Span<int> one = stackalloc int[1];
        foreach (int item in prefix)
        {
            if ((uint)item >= (uint)ItemCount) continue;
            one[0] = item;
            net.Advance(one, states, hidden, input);
            any = true;
        }
        if (!any) return null;
        var scores = new float[ItemCount];
        net.ScoreAll(1, hidden, scores, 1);
        return scores;
    }

    /// <inheritdoc/>
    public ISessionScorer CreateScorer(int maxBatch) => new Scorer(Network.ForInference(maxBatch), maxBatch);

    private sealed class Scorer : ISessionScorer
    {
        private readonly Gru4RecNetwork _net;
        private readonly float[][] _states;
        private readonly float[] _hidden;
        private readonly float[] _input;

        public Scorer(Gru4RecNetwork net, int maxBatch)
        {
            _net = net;
            _states = net.LayerSizes.Select(h => new float[maxBatch * h]).ToArray();
            _hidden = new float[maxBatch * net.OutputSize];
            _input = new float[maxBatch * Math.Max(1, net.EmbeddingSize)];
        }

        public void Score(int count, ReadOnlySpan<int> source, ReadOnlySpan<int> inputs, Span<float> scores)
        {
            for (int l = 0; l < _states.Length; l++)
            {
                int hs = _net.LayerSizes[l];
                var state = _states[l];
                for (int r = 0; r < count; r++)
                {
                    if (source[r] < 0) state.AsSpan(r * hs, hs).Clear();
                    else if (source[r] != r) state.AsSpan(source[r] * hs, hs).CopyTo(state.AsSpan(r * hs, hs));
                }
            }
            _net.Advance(inputs[..count], _states, _hidden, _input);
            _net.ScoreAll(count, _hidden, scores, 1);
        }
    }

    /// <summary>
    /// The whole model as floats (the payload of the <c>MLNetRec.Gru4Rec.v1</c> contract): header
    /// <c>[magic 4127, format 1, input mode, items, embedding size, top-K, final activation, layers L, H_1…H_L]</c>
    /// (integers exact in a float), then popularity <c>[items]</c>, output weights <c>[items, H_L]</c>, output bias
    /// <c>[items]</c>, input embedding <c>[items, E]</c> (embedding mode), and per layer input weights (<c>[in, 3H]</c>,
    /// or <c>[items, 3H]</c> one-hot), hidden weights <c>[H, 3H]</c>, input bias <c>[3H]</c>, hidden bias <c>[3H]</c>.
    /// </summary>
    internal float[] Pack()
    {
        var net = Network;
        var parts = new List<float[]>
        {
            new float[] { Magic, FormatVersion, (int)net.Mode, net.ItemCount, net.EmbeddingSize, TopK, (int)FinalActivation, net.Layers.Length }
                .Concat(net.LayerSizes.Select(h => (float)h)).ToArray(),
            _popularity, net.OutputWeights, net.OutputBias, net.InputEmbedding,
        };
        foreach (var layer in net.Layers) parts.AddRange([layer.InputWeights, layer.HiddenWeights, layer.InputBias, layer.HiddenBias]);
        var packed = new float[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (var p in parts) { p.CopyTo(packed, at); at += p.Length; }
        return packed;
    }

    /// <summary>Inverse of <see cref="Pack"/>.</summary>
    /// <exception cref="InvalidDataException">The floats are not a packed GRU4Rec model of a known format.</exception>
    internal static Gru4RecModel Unpack(float[] packed)
    {
        if (packed.Length < 8 || packed[0] != Magic)
            throw new InvalidDataException("The GRU4Rec parameter column does not hold a packed GRU4Rec model; the model file is damaged.");
        if (packed[1] != FormatVersion)
            throw new InvalidDataException($"The GRU4Rec model has format version {packed[1]}; this library reads version {FormatVersion}. Load it with the version that saved it.");
        var mode = (Gru4RecInputMode)(int)packed[2];
        int items = (int)packed[3], embedding = (int)packed[4], topK = (int)packed[5], layerCount = (int)packed[7];
        var activation = (Gru4RecFinalActivation)(int)packed[6];
        if (packed.Length < 8 + layerCount) throw new InvalidDataException("The packed GRU4Rec model is truncated.");
        var sizes = new int[layerCount];
        for (int l = 0; l < layerCount; l++) sizes[l] = (int)packed[8 + l];
        var net = new Gru4RecNetwork(items, mode, embedding, sizes, 1, 1);
        int at = 8 + layerCount;
        void Take(float[] target)
        {
            if (at + target.Length > packed.Length) throw new InvalidDataException("The packed GRU4Rec model is truncated.");
            packed.AsSpan(at, target.Length).CopyTo(target);
            at += target.Length;
        }
        var popularity = new float[items];
        Take(popularity);
        Take(net.OutputWeights);
        Take(net.OutputBias);
        Take(net.InputEmbedding);
        foreach (var layer in net.Layers) { Take(layer.InputWeights); Take(layer.HiddenWeights); Take(layer.InputBias); Take(layer.HiddenBias); }
        if (at != packed.Length) throw new InvalidDataException($"The packed GRU4Rec model has {packed.Length - at} trailing floats; the model file is damaged.");
        return new Gru4RecModel(net, popularity, topK, null, [], activation);
    }
}
