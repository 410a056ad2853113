using System.Diagnostics;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The training loop of <see cref="WideAndDeepEstimator"/>, split into the epoch loop (<see cref="Train"/>), one
/// update step (<see cref="TrainBatch"/>), validation (<see cref="Validate"/>) and progress reporting
/// (<see cref="Report"/>). Single-threaded and deterministic for a fixed seed.
/// </summary>
internal sealed class WideAndDeepTrainer
{
    private readonly WideAndDeepOptions _options;
    private readonly WideAndDeepNetwork _network;
    private readonly List<WideAndDeepProgress> _history = new();

    public WideAndDeepTrainer(WideAndDeepOptions options, WideAndDeepNetwork network)
    {
        _options = options;
        _network = network;
    }

    /// <summary>One report per finished epoch.</summary>
    public IReadOnlyList<WideAndDeepProgress> History => _history;

    /// <summary>Runs every epoch over <paramref name="train"/>, validating on <paramref name="validation"/> when given.</summary>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite, or an epoch's mean log-loss exceeded
    /// 100 × ln 2 (the epoch is named).</exception>
    public void Train(WideAndDeepExamples train, WideAndDeepExamples? validation)
    {
        var clock = Stopwatch.StartNew();
        var order = Enumerable.Range(0, train.Count).ToArray();
        var rng = new Random(_options.Seed);
        var guard = new DivergenceGuard("Wide & Deep", _options.NumberOfEpochs, Advice);
        // The reference: log-loss of predicting 0.5 for every example.
        guard.SetInitialLoss(Math.Log(2));
        for (int epoch = 1; epoch <= _options.NumberOfEpochs; epoch++)
        {
            if (_options.Shuffle) rng.Shuffle(order);
            double lossSum = 0, weightSum = 0;
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                var rows = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start));
                float loss = TrainBatch(train, rows, epoch);
                double batchWeight = 0;
                foreach (int r in rows) batchWeight += train.Weights[r];
                lossSum += loss * batchWeight;
                weightSum += batchWeight;
            }
            double epochLoss = weightSum > 0 ? lossSum / weightSum : 0;
            guard.Check(epoch, epochLoss);
            var (logLoss, auc) = validation != null ? Validate(validation) : (null, null);
            Report(new WideAndDeepProgress(epoch, _options.NumberOfEpochs, epochLoss, logLoss, auc, clock.Elapsed));
        }
    }

    /// <summary>One mini-batch: forward, backward, divergence check, optimizer step. Returns the batch loss.</summary>
    public float TrainBatch(WideAndDeepExamples train, ReadOnlySpan<int> rows, int epoch)
    {
        _network.ZeroGradients();
        float loss = _network.ForwardBackward(train, rows);
        if (!float.IsFinite(loss)) throw Diverged(epoch, $"the mini-batch loss is {loss}", null);
        try
        {
            _network.Step();
        }
        catch (ArithmeticException e)
        {
            // FTRL's implied weight takes the sign of z, which throws once an overflowing gradient made z NaN.
            throw Diverged(epoch, "an optimizer step overflowed", e);
        }
        return loss;
    }

    private InvalidOperationException Diverged(int epoch, string what, Exception? inner) => new(
        $"Wide & Deep training diverged in epoch {epoch} of {_options.NumberOfEpochs}: {what}. {Advice}", inner);

    private string Advice =>
        $"Lower the learning rates: {nameof(WideAndDeepOptions.DeepLearningRate)} (now {_options.DeepLearningRate}) or " +
        $"{nameof(WideAndDeepOptions.FtrlAlpha)} (now {_options.FtrlAlpha}), or check the inputs' scale.";

    /// <summary>Weighted mean log-loss and unweighted AUC of the current model on <paramref name="data"/>.</summary>
    public (double? LogLoss, double? Auc) Validate(WideAndDeepExamples data)
    {
        var logits = new float[data.Count];
        const int chunk = 1024;
        var rows = new int[chunk];
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            for (int j = 0; j < n; j++) rows[j] = start + j;
            _network.Forward(data, rows.AsSpan(0, n), logits.AsSpan(start, n));
        }
        return (BinaryMetrics.LogLoss(logits, data.Labels, data.Weights), BinaryMetrics.Auc(logits, data.Labels));
    }

    /// <summary>Records the epoch's report and forwards it to the options' progress sink.</summary>
    public void Report(WideAndDeepProgress progress)
    {
        _history.Add(progress);
        _options.Progress?.Report(progress);
    }
}
