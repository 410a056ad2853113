using System.Diagnostics;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Numerics;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The training loop of <see cref="TwoTowerEstimator"/>: shuffled mini-batches of training rows (each row a
/// positive), one optimizer step per batch, progress and optional validation after every epoch, early stopping.
/// Single-threaded apart from the matrix products, whose results do not depend on the thread count, so a seed gives
/// the same model on any machine with the same SIMD width.
/// </summary>
internal sealed class TwoTowerTrainer
{
    private readonly TwoTowerOptions _options;
    private readonly TwoTowerNetwork _network;
    private readonly TwoTowerRows _rows;
    private readonly UserFeatureRows _profiles;
    private readonly RetrievalLoss _loss;
    private readonly BatchCandidateSampler? _sampler;
    private readonly CandidateBatch _candidates = new();
    private readonly int[] _catalog;
    private readonly Dictionary<Embedding, Optimizer> _tableOptimizers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, Optimizer> _denseOptimizers = new(ReferenceEqualityComparer.Instance);
    private readonly GradientSink _sink = new();
    private readonly Random _rng;
    private readonly float _userIdDropout;
    private readonly float _itemIdDropout;
    private readonly int[] _trainingRows;
    private readonly DivergenceGuard _guard;

    public TwoTowerTrainer(TwoTowerOptions options, TwoTowerNetwork network, TwoTowerRows rows, UserFeatureRows profiles)
    {
        _options = options;
        _network = network;
        _rows = rows;
        _profiles = profiles;
        _rng = new Random(options.Seed);
        _guard = new DivergenceGuard("Two-tower", options.NumberOfEpochs,
            $"Lower the learning rate: use a smaller LearningRate (now {options.LearningRate}, try {options.LearningRate / 10}) or a larger Temperature (now {options.Temperature}).");
        _loss = new RetrievalLoss(options.Loss, options.Similarity, options.Temperature, options.GravityWeight, options.NumberOfThreads);
        _sampler = CreateSampler(options, network, rows);
        _catalog = Enumerable.Range(0, network.Schema.ItemCount).ToArray();
        foreach (var table in network.Tables) _tableOptimizers[table] = CreateOptimizer(table.Weights.Length);
        foreach (var p in network.DenseParameters) _denseOptimizers[p] = CreateOptimizer(p.Values.Length);
        _userIdDropout = options.HasUserFeatures ? options.UserIdDropout : 0f;
        bool itemFeatures = network.ItemCategoricals.Length > 0 || network.ItemScaler.OutputWidth > 0;
        _itemIdDropout = itemFeatures ? options.ItemIdDropout : 0f;
        _trainingRows = CapPerUser(rows.User.Users, network.Schema.UserCount, options.MaxExamplesPerUser, options.Seed);
    }

    /// <summary>
    /// The rows trained on: all of them, or at most <paramref name="cap"/> per user drawn once with the seed (a partial
    /// Fisher–Yates shuffle of each user's rows), kept in data order.
    /// </summary>
    internal static int[] CapPerUser(int[] users, int userCount, int cap, int seed)
    {
        if (cap <= 0) return Enumerable.Range(0, users.Length).ToArray();
        var perUser = new List<int>[userCount];
        for (int r = 0; r < users.Length; r++) (perUser[users[r]] ??= []).Add(r);
        var rng = new Random(seed ^ 0x5EED);
        var kept = new List<int>();
        foreach (var list in perUser)
        {
            if (list == null) continue;
            if (list.Count > cap)
                for (int k = 0; k < cap; k++)
                {
                    int j = k + rng.Next(list.Count - k);
                    (list[k], list[j]) = (list[j], list[k]);
                }
            kept.AddRange(list.Count > cap ? list.GetRange(0, cap) : list);
        }
        kept.Sort();
        return kept.ToArray();
    }

    /// <summary>Runs every epoch; with <paramref name="validation"/>, reports Recall@K and stops early if asked.</summary>
    public void Train(InteractionData? validation)
    {
        var watch = Stopwatch.StartNew();
        var validationMatrix = validation == null ? null : UserItemMatrix.FromInteractions(validation);
        double best = double.NegativeInfinity;
        float[][]? bestWeights = null;
        int sinceBest = 0;
        // The loss of one batch before any update (own generator, so training draws the same numbers) is the
        // reference an exploding epoch loss is measured against.
        _guard.SetInitialLoss(BatchLoss(Enumerable.Range(0, Math.Min(_options.BatchSize, _rows.Count)).ToArray(), new Random(_options.Seed), null));
        for (int epoch = 1; epoch <= _options.NumberOfEpochs; epoch++)
        {
            double loss = RunEpoch(epoch);
            _guard.Check(epoch, loss);
            double? recall = validationMatrix == null ? null : ValidationRecall(validationMatrix);
            _options.Progress?.Report(new TwoTowerProgress(epoch, _options.NumberOfEpochs, loss, recall, watch.Elapsed));
            if (recall is not { } r || _options.EarlyStoppingPatience == 0) continue;
            if (r > best)
            {
                best = r;
                bestWeights = _network.Snapshot();
                sinceBest = 0;
            }
            else if (++sinceBest >= _options.EarlyStoppingPatience) break;
        }
        if (bestWeights != null) _network.Restore(bestWeights);
    }

    /// <summary>One pass over the shuffled training rows; returns the mean batch loss.</summary>
    public double RunEpoch(int epoch)
    {
        var order = (int[])_trainingRows.Clone();
        _rng.Shuffle(order);
        double total = 0;
        int batches = 0;
        for (int start = 0; start < order.Length; start += _options.BatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start)).ToArray();
            float loss = BatchLoss(batch, _rng, _sink);
            _guard.CheckFinite(epoch, loss);
            Step();
            total += loss;
            batches++;
        }
        return total / Math.Max(1, batches);
    }

    /// <summary>
    /// Forward pass and loss of the training rows <paramref name="rowIds"/>; when <paramref name="sink"/> is given,
    /// clears the gradients and back-propagates (MLP gradients into the parameters, embedding gradients into the sink).
    /// </summary>
    public float BatchLoss(int[] rowIds, Random rng, GradientSink? sink)
    {
        int b = rowIds.Length, d = _network.Dimension;
        var items = rowIds.Select(r => _rows.Items[r]).ToArray();
        var users = rowIds.Select(r => _rows.User.Users[r]).ToArray();
        var userInput = _network.UserInput(_rows.User, rowIds, sink == null ? default : Dropout(b, _userIdDropout, rng));
        var uRaw = _network.UserTower.Forward(userInput);

        int[] candidates, targets;
        ReadOnlySpan<float> logQ = default;
        ReadOnlySpan<bool> mask = default;
        switch (_options.Loss)
        {
            case TwoTowerLoss.FullSoftmax:
                candidates = _catalog;
                targets = items;
                break;
            case TwoTowerLoss.PositivesOnly:
                candidates = items;
                targets = Enumerable.Range(0, b).ToArray();
                break;
            default:
                _sampler!.Sample(users, items, rng, _candidates);
                candidates = _candidates.Candidates.ToArray();
                targets = Enumerable.Range(0, b).ToArray();
                logQ = _candidates.LogQ;
                mask = _candidates.HasMaskedEntries ? _candidates.Mask : default;
                break;
        }
        int c = candidates.Length;
        var itemInput = _network.ItemInput(candidates, sink == null ? default : Dropout(c, _itemIdDropout, rng));
        var vRaw = _network.ItemTower.Forward(itemInput);
        var dU = new float[b * d];
        var dV = new float[c * d];
        float loss = _loss.Compute(uRaw, b, vRaw, c, d, targets, logQ, mask, dU, dV);
        if (sink == null) return loss;
        sink.Clear();
        foreach (var p in _network.DenseParameters) p.ZeroGradient();
        _network.UserTower.Backward(userInput, dU, sink);
        _network.ItemTower.Backward(itemInput, dV, sink);
        return loss;
    }

    /// <summary>Per row, whether its ID is hidden (drawn with probability <paramref name="p"/>); empty when p is 0.</summary>
    private static bool[]? Dropout(int rows, float p, Random rng)
    {
        if (p <= 0) return null;
        var hide = new bool[rows];
        for (int j = 0; j < rows; j++) hide[j] = rng.NextSingle() < p;
        return hide;
    }

    /// <summary>One optimizer step from the gradients of the last <see cref="BatchLoss"/> (plus weight decay on the touched rows).</summary>
    private void Step()
    {
        float decay = _options.EmbeddingWeightDecay;
        foreach (var table in _sink.Tables.ToList())
        {
            var gradient = _sink.Merged(table)!;
            if (decay > 0)
                for (int s = 0; s < gradient.Rows.Length; s++)
                {
                    var row = gradient.Values.AsSpan(s * table.Dimension, table.Dimension);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(table.Row(gradient.Rows[s]), decay, row, row);
                }
            if (_options.DenseEmbeddingUpdates) _tableOptimizers[table].Step(table.Weights, GradientSink.ToDense(gradient, table));
            else _tableOptimizers[table].StepSparse(table.Weights, gradient);
        }
        foreach (var (p, optimizer) in _denseOptimizers) p.Step(optimizer);
    }

    /// <summary>Recall@K of the known users' current embeddings on <paramref name="validation"/>, training items excluded.</summary>
    private double ValidationRecall(UserItemMatrix validation)
    {
        int dim = _network.Dimension;
        var userTable = new EmbeddingTable(_profiles.Count, dim, _network.EmbedUsers(_profiles));
        var itemTable = new EmbeddingTable(_network.Schema.ItemCount, dim, _network.EmbedAllItems());
        var users = Enumerable.Range(0, validation.UserCount).Where(u => validation.RowStart[u + 1] > validation.RowStart[u]).ToArray();
        var options = new TopKOptions { Exclude = _network.TrainingHistory, ExcludeRows = users };
        var queries = new float[users.Length * dim];
        for (int q = 0; q < users.Length; q++) userTable.Row(users[q]).CopyTo(queries.AsSpan(q * dim, dim));
        var result = ExactTopK.Search(new EmbeddingTable(users.Length, dim, queries), itemTable, _options.ValidationK, options);
        var ranked = new int[]?[validation.UserCount];
        for (int q = 0; q < users.Length; q++) ranked[users[q]] = result.ItemsOf(q).ToArray();
        return RankingEvaluator.Evaluate(ranked, validation, _options.ValidationK).Recall;
    }

    private Optimizer CreateOptimizer(int length) => _options.Optimizer == TwoTowerOptimizer.Adam
        ? new AdamOptimizer(length, _options.LearningRate)
        : new AdaGradOptimizer(length, _options.LearningRate);

    private static BatchCandidateSampler? CreateSampler(TwoTowerOptions options, TwoTowerNetwork network, TwoTowerRows rows)
    {
        if (options.Loss is TwoTowerLoss.FullSoftmax or TwoTowerLoss.PositivesOnly) return null;
        var counts = new double[network.Schema.ItemCount];
        foreach (int i in rows.Items) counts[i]++;
        bool inBatch = options.Loss == TwoTowerLoss.InBatchSoftmax;
        var frequency = inBatch ? ItemDistribution.Popularity(counts, 1.0) : null;
        var shared = options.SharedNegatives > 0 ? ItemDistribution.Popularity(counts, options.SamplingExponent) : null;
        return new BatchCandidateSampler(frequency, shared, options.SharedNegatives, inBatch, options.RemoveAccidentalHits,
            options.MaskTrainingHistory ? network.TrainingHistory : null);
    }
}
