using System.Diagnostics;
using System.Numerics.Tensors;
using MLNetRecExtensions.Numerics;
using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The GRU4Rec training loop over session-parallel mini-batches: per step, B events in, their B next items plus N_A
/// shared samples as the candidates (at most B × (B + N_A) scores, never the whole catalog: a sample drawn k times is
/// scored once and weighted k in the loss, which gives the same loss and gradient), the chosen loss, one-step
/// truncated backpropagation (the carried state is a constant), and an optimizer step on the dense weights and on
/// the touched rows of the item tables.
/// </summary>
internal sealed class Gru4RecTrainer
{
    private readonly Gru4RecOptions _o;
    private readonly Gru4RecNetwork _net;
    private readonly Random _rng;
    private readonly SampleStore? _samples;
    private readonly float[] _logCount;
    private readonly float[][] _states;
    private readonly float[][] _outputs;
    private readonly float[][] _masks;
    private readonly float[][] _dOutputs;
    private readonly float[] _input;
    private readonly float[] _inputMask;
    private readonly float[] _dInput;
    private readonly int[] _candidates;
    private readonly float[] _columnWeights;
    private readonly float[] _candidateWeights;
    private readonly float[] _scores;
    private readonly float[] _gradient;
    private readonly float[] _offsets;
    private readonly float[] _dCandidates;
    private readonly float[] _columnSums;
    private readonly float[][] _lossWork;
    private readonly double[] _rowLoss;
    private readonly RowGradientBuffer _outputGradient;
    private readonly RowGradientBuffer _biasGradient;
    private readonly RowGradientBuffer? _embeddingGradient;
    private readonly Optimizer _outputOptimizer, _biasOptimizer;
    private readonly Optimizer? _embeddingOptimizer;
    private readonly (Optimizer? Input, Optimizer Hidden, Optimizer InputBias, Optimizer HiddenBias)[] _layerOptimizers;
    private readonly ParallelOptions _updateOptions;
    private readonly Action _updateOutputRows, _updateRest;

    public Gru4RecTrainer(Gru4RecOptions options, SessionData data)
    {
        _o = options;
        var mode = options.ConstrainedEmbedding ? Gru4RecInputMode.Constrained : options.EmbeddingSize > 0 ? Gru4RecInputMode.Embedding : Gru4RecInputMode.OneHot;
        int n = data.ItemCount, batch = options.BatchSize, threads = options.NumberOfThreads;
        _net = new Gru4RecNetwork(n, mode, options.EmbeddingSize, options.Layers, batch, threads);
        _rng = new Random(options.Seed);
        _net.Initialize(_rng);
        var counts = data.ItemCounts();
        _logCount = counts.Select(c => (float)Math.Log(Math.Max(c, 1))).ToArray();
        if (options.NumberOfAdditionalSamples > 0)
            _samples = new SampleStore(ItemDistribution.Popularity(counts, options.SampleAlpha), options.NumberOfAdditionalSamples,
                options.SampleCacheSize, new Random(unchecked(options.Seed * 31 + 7)));
        _states = options.Layers.Select(h => new float[batch * h]).ToArray();
        _outputs = options.Layers.Select(h => new float[batch * h]).ToArray();
        _masks = options.Layers.Select(h => new float[batch * h]).ToArray();
        _dOutputs = options.Layers.Select(h => new float[batch * h]).ToArray();
        int e = _net.EmbeddingSize;
        _input = new float[batch * Math.Max(e, 1)];
        _inputMask = new float[_input.Length];
        _dInput = new float[_input.Length];
        int m = batch + options.NumberOfAdditionalSamples;
        _candidates = new int[m];
        _columnWeights = new float[m];
        _candidateWeights = new float[m * _net.OutputSize];
        _scores = new float[batch * m];
        _gradient = new float[batch * m];
        _offsets = new float[m];
        _dCandidates = new float[m * _net.OutputSize];
        _columnSums = new float[m];
        _lossWork = Enumerable.Range(0, batch).Select(_ => new float[3 * m]).ToArray();
        _rowLoss = new double[batch];
        _outputGradient = new RowGradientBuffer(n, _net.OutputSize);
        _biasGradient = new RowGradientBuffer(n, 1);
        _outputOptimizer = CreateOptimizer(_net.OutputWeights.Length);
        _biasOptimizer = CreateOptimizer(n);
        if (mode == Gru4RecInputMode.Embedding)
        {
            _embeddingGradient = new RowGradientBuffer(n, e);
            _embeddingOptimizer = CreateOptimizer(_net.InputEmbedding.Length);
        }
        _layerOptimizers = _net.Layers.Select(l => ((Optimizer?)CreateOptimizer(l.InputWeights.Length),
            CreateOptimizer(l.HiddenWeights.Length), CreateOptimizer(l.InputBias.Length), CreateOptimizer(l.HiddenBias.Length))).ToArray();
        _updateOptions = new ParallelOptions { MaxDegreeOfParallelism = threads };
        _updateOutputRows = UpdateOutputRows;
        _updateRest = UpdateRest;
    }

    public Gru4RecNetwork Network => _net;

    /// <summary>Number of events used as training inputs in the last epoch (tests: every example exactly once).</summary>
    public long LastEpochEvents { get; private set; }

    private Optimizer CreateOptimizer(int length) => _o.Optimizer == Gru4RecOptimizer.Adam
        ? new AdamOptimizer(length, _o.LearningRate)
        : new AdaGradMomentumOptimizer(length, _o.LearningRate, _o.Momentum);

    /// <summary>Runs every epoch; returns one report per epoch.</summary>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<Gru4RecProgress> Train(SessionData data, Action<string>? log)
    {
        var history = new List<Gru4RecProgress>();
        for (int epoch = 1; epoch <= _o.NumberOfEpochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            double loss = RunEpoch(data, out long events);
            watch.Stop();
            double mean = loss / Math.Max(events, 1);
            if (!double.IsFinite(mean))
                throw new InvalidOperationException($"GRU4Rec training diverged in epoch {epoch}: the loss is {mean}. Lower LearningRate (now {_o.LearningRate}) or Momentum (now {_o.Momentum}).");
            var report = new Gru4RecProgress(epoch, mean, events / Math.Max(watch.Elapsed.TotalSeconds, 1e-9), watch.Elapsed.TotalSeconds, events);
            history.Add(report);
            log?.Invoke($"GRU4Rec epoch {epoch}/{_o.NumberOfEpochs}: loss {mean:F6}, {report.EventsPerSecond:F0} events/s");
            _o.Progress?.Report(report);
        }
        return history;
    }

    /// <summary>One pass over the data; returns the summed loss and the number of training events.</summary>
    public double RunEpoch(SessionData data, out long events)
    {
        foreach (var s in _states) Array.Clear(s);
        var batcher = new SessionBatcher(data, _o.BatchSize);
        double total = 0;
        events = 0;
        while (batcher.Next())
        {
            int b = batcher.Count;
            CarryStates(batcher.Source, b);
            total += Step(b, batcher.Inputs, batcher.Targets);
            events += b;
        }
        LastEpochEvents = events;
        return total;
    }

    private void CarryStates(int[] source, int b)
    {
        for (int l = 0; l < _states.Length; l++)
        {
            int hs = _o.Layers[l];
            var state = _states[l];
            for (int r = 0; r < b; r++)
            {
                int src = source[r];
                if (src < 0) state.AsSpan(r * hs, hs).Clear();
                else if (src != r) state.AsSpan(src * hs, hs).CopyTo(state.AsSpan(r * hs, hs));
            }
        }
    }

    private double Step(int b, int[] inputs, int[] targets)
    {
        var net = _net;
        int hOut = net.OutputSize, e = net.EmbeddingSize;
        // Forward through the layers; the dropped-out output is the carried state (as in the official code).
        if (net.Mode != Gru4RecInputMode.OneHot)
        {
            net.GatherInput(inputs.AsSpan(0, b), _input);
            if (_o.DropoutEmbedding > 0) Dropout(_input.AsSpan(0, b * e), _inputMask, _o.DropoutEmbedding);
        }
        for (int l = 0; l < net.Layers.Length; l++)
        {
            var layer = net.Layers[l];
            int hs = layer.HiddenSize;
            var output = _outputs[l].AsSpan(0, b * hs);
            var state = _states[l].AsSpan(0, b * hs);
            if (l > 0) layer.Forward(b, _outputs[l - 1].AsSpan(0, b * net.Layers[l - 1].HiddenSize), state, output);
            else if (layer.IsOneHot) layer.Forward(b, inputs.AsSpan(0, b), state, output);
            else layer.Forward(b, _input.AsSpan(0, b * e), state, output);
            if (_o.DropoutHidden > 0) Dropout(output, _masks[l], _o.DropoutHidden);
            output.CopyTo(state);
        }

        // Candidates: the B targets, then the distinct items among the N_A shared samples, each weighted by how often
        // it was drawn (SessionLosses: the same loss and gradient as scoring every draw, in fewer columns).
        targets.AsSpan(0, b).CopyTo(_candidates);
        int m = b;
        if (_samples != null)
        {
            _columnWeights.AsSpan(0, b).Fill(1f);
            m += _samples.NextDistinct(_candidates.AsSpan(b), _columnWeights.AsSpan(b));
        }
        var cand = _candidates.AsSpan(0, m);
        var weights = _candidateWeights.AsSpan(0, m * hOut);
        for (int j = 0; j < m; j++) net.OutputWeights.AsSpan(cand[j] * hOut, hOut).CopyTo(weights.Slice(j * hOut, hOut));
        var hidden = _outputs[^1].AsSpan(0, b * hOut);
        var scores = _scores.AsSpan(0, b * m);
        Gemm.Multiply(false, true, b, m, hOut, 1f, hidden, hOut, weights, hOut, 0f, scores, m, _o.NumberOfThreads);
        var bias = _offsets.AsSpan(0, m);
        for (int j = 0; j < m; j++) bias[j] = net.OutputBias[cand[j]];
        for (int i = 0; i < b; i++) TensorPrimitives.Add(scores.Slice(i * m, m), bias, scores.Slice(i * m, m));
        ScoreActivation.Forward(_o.FinalActivation, _o.EluParameter, scores);

        bool logQ = _o.Loss == Gru4RecLoss.CrossEntropy && _o.LogQ > 0;
        if (logQ)
            for (int j = 0; j < m; j++) bias[j] = _o.LogQ * (j < b ? 1f : _o.SampleAlpha) * _logCount[cand[j]];
        var gradient = _gradient.AsSpan(0, b * m);
        double loss = ComputeLoss(b, m, logQ);
        TensorPrimitives.Multiply(gradient, 1f / _o.BatchSize, gradient);
        ScoreActivation.Backward(_o.FinalActivation, _o.EluParameter, scores, gradient);

        // Output layer: bias, candidate rows, and the gradient of the last hidden output.
        var columnSums = _columnSums.AsSpan(0, m);
        gradient[..m].CopyTo(columnSums);
        for (int i = 1; i < b; i++) TensorPrimitives.Add(columnSums, gradient.Slice(i * m, m), columnSums);
        for (int j = 0; j < m; j++) _biasGradient.Row(cand[j])[0] += columnSums[j];
        var dCand = _dCandidates.AsSpan(0, m * hOut);
        Gemm.Multiply(true, false, m, hOut, b, 1f, gradient, m, hidden, hOut, 0f, dCand, hOut, _o.NumberOfThreads);
        for (int j = 0; j < m; j++) _outputGradient.Add(cand[j], dCand.Slice(j * hOut, hOut));
        var dHidden = _dOutputs[^1].AsSpan(0, b * hOut);
        Gemm.Multiply(false, false, b, hOut, m, 1f, gradient, m, weights, hOut, 0f, dHidden, hOut, _o.NumberOfThreads);

        // Layers, top down.
        for (int l = net.Layers.Length - 1; l >= 0; l--)
        {
            var layer = net.Layers[l];
            var dOut = _dOutputs[l].AsSpan(0, b * layer.HiddenSize);
            if (_o.DropoutHidden > 0) TensorPrimitives.Multiply(dOut, _masks[l].AsSpan(0, dOut.Length), dOut);
            Span<float> dIn = l > 0 ? _dOutputs[l - 1].AsSpan(0, b * net.Layers[l - 1].HiddenSize)
                : layer.IsOneHot ? Span<float>.Empty : _dInput.AsSpan(0, b * e);
            layer.Backward(dOut, dIn, Span<float>.Empty);
        }
        if (net.Mode != Gru4RecInputMode.OneHot)
        {
            var dIn = _dInput.AsSpan(0, b * e);
            if (_o.DropoutEmbedding > 0) TensorPrimitives.Multiply(dIn, _inputMask.AsSpan(0, dIn.Length), dIn);
            var target = net.Mode == Gru4RecInputMode.Constrained ? _outputGradient : _embeddingGradient!;
            for (int i = 0; i < b; i++) target.Add(inputs[i], dIn.Slice(i * e, e));
        }

        ApplyUpdates();
        return loss;
    }

    // Offsets: the log-Q terms in _offsets[0..m) when logQ; column weights: _columnWeights[0..m) when samples are drawn.
    private double ComputeLoss(int b, int m, bool logQ)
    {
        int weighted = _samples != null ? m : 0, offsets = logQ ? m : 0;
        if (_o.NumberOfThreads <= 1 || b < 4)
            return SessionLosses.Compute(_o.Loss, b, m, _scores.AsSpan(0, b * m), _gradient.AsSpan(0, b * m), _o.BprRegularization,
                _offsets.AsSpan(0, offsets), _lossWork[0], _columnWeights.AsSpan(0, weighted));
        Parallel.For(0, b, new ParallelOptions { MaxDegreeOfParallelism = _o.NumberOfThreads }, i =>
        {
            _rowLoss[i] = SessionLosses.Row(_o.Loss, _scores.AsSpan(i * m, m), i, _gradient.AsSpan(i * m, m), _o.BprRegularization,
                _offsets.AsSpan(0, offsets), _lossWork[i], _columnWeights.AsSpan(0, weighted));
        });
        double total = 0;
        for (int i = 0; i < b; i++) total += _rowLoss[i];
        return total;
    }

    private void Dropout(Span<float> values, float[] mask, float p)
    {
        float keep = 1f / (1f - p);
        for (int i = 0; i < values.Length; i++)
        {
            float k = _rng.NextSingle() < p ? 0f : keep;
            mask[i] = k;
            values[i] *= k;
        }
    }

    // The dense layer weights, the output rows and the bias rows have disjoint optimizer state: with more than one thread
    // they are updated side by side (the result is the same as one after the other).
    private void ApplyUpdates()
    {
        if (_o.NumberOfThreads > 1)
            Parallel.Invoke(_updateOptions, _updateOutputRows, _updateRest);
        else
        {
            _updateOutputRows();
            _updateRest();
        }
    }

    private void UpdateOutputRows() => _outputGradient.Step(_outputOptimizer, _net.OutputWeights);

    private void UpdateRest()
    {
        var net = _net;
        for (int l = 0; l < net.Layers.Length; l++)
        {
            var layer = net.Layers[l];
            var opt = _layerOptimizers[l];
            if (layer.IsOneHot) layer.InputRowGradient!.Step(opt.Input!, layer.InputWeights);
            else opt.Input!.Step(layer.InputWeights, layer.InputWeightGradient);
            opt.Hidden.Step(layer.HiddenWeights, layer.HiddenWeightGradient);
            opt.InputBias.Step(layer.InputBias, layer.InputBiasGradient);
            opt.HiddenBias.Step(layer.HiddenBias, layer.HiddenBiasGradient);
            layer.ZeroGradients();
        }
        _embeddingGradient?.Step(_embeddingOptimizer!, net.InputEmbedding);
        _biasGradient.Step(_biasOptimizer, net.OutputBias);
    }
}
