namespace MLNetRecExtensions.Sessions;

/// <summary>The training loss of GRU4Rec (Hidasi et al. 2016; Hidasi &amp; Karatzoglou 2018).</summary>
public enum Gru4RecLoss
{
    /// <summary>TOP1: mean over the negatives j of <c>σ(r_j − r_t) + σ(r_j²)</c>.</summary>
    Top1,
    /// <summary>BPR: mean over the negatives j of <c>−log σ(r_t − r_j)</c>.</summary>
    Bpr,
    /// <summary>TOP1-max: the TOP1 terms weighted by the softmax of the negatives' scores.</summary>
    Top1Max,
    /// <summary>BPR-max: <c>−log Σ_j s_j·σ(r_t − r_j) + λ·Σ_j s_j·r_j²</c> with s the softmax over the negatives and λ = <see cref="Gru4RecOptions.BprRegularization"/>.</summary>
    BprMax,
    /// <summary>Cross-entropy of the softmax over the target and all candidates, with optional log-Q correction (<see cref="Gru4RecOptions.LogQ"/>).</summary>
    CrossEntropy,
}

/// <summary>Activation applied to the candidate scores before the loss (and at prediction; it is monotone, so rankings do not change).</summary>
public enum Gru4RecFinalActivation
{
    /// <summary>Identity.</summary>
    Linear,
    /// <summary><c>tanh(r)</c>.</summary>
    Tanh,
    /// <summary>ELU with parameter <see cref="Gru4RecOptions.EluParameter"/>: <c>r</c> for r &gt; 0, else <c>a·(eʳ − 1)</c>.</summary>
    Elu,
}

/// <summary>The optimizer of a GRU4Rec model.</summary>
public enum Gru4RecOptimizer
{
    /// <summary>AdaGrad with momentum (<see cref="Numerics.AdaGradMomentumOptimizer"/>), the official default.</summary>
    AdaGradMomentum,
    /// <summary>Adam (<see cref="Numerics.AdamOptimizer"/>; lazy on the item tables).</summary>
    Adam,
}

/// <summary>
/// Options of <see cref="Gru4RecEstimator"/>. Defaults are the official PyTorch implementation's best setting for
/// YOOCHOOSE (rsc15): one GRU layer of 100, batch 32, one-hot input with constrained embedding, hidden dropout 0.4,
/// learning rate 0.2, momentum 0.2, 2048 shared negatives drawn ∝ support^0.5, cross-entropy with log-Q 1, 10 epochs.
/// </summary>
public sealed class Gru4RecOptions
{
    /// <summary>Session column: a UInt32 key column (as <c>InteractionLoaders.LoadSessions</c> writes). Default <c>UserId</c>.</summary>
    public string SessionColumnName { get; set; } = Data.InteractionColumns.User;
    /// <summary>Item column: a UInt32 key column. Default <c>ItemId</c>.</summary>
    public string ItemColumnName { get; set; } = Data.InteractionColumns.Item;
    /// <summary>Time column: Double or Single, used to order events inside a session and sessions by start. Default <c>Timestamp</c>.</summary>
    public string TimeColumnName { get; set; } = Data.InteractionColumns.Timestamp;
    /// <summary>Prediction input: a vector of item keys (the session prefix, oldest first). Default <c>Prefix</c>.</summary>
    public string PrefixColumnName { get; set; } = "Prefix";
    /// <summary>Prediction output: the top-K item keys (Vector&lt;UInt32&gt;, 1-based keys of the item column). Default <c>PredictedItems</c>.</summary>
    public string PredictedItemsColumnName { get; set; } = "PredictedItems";
    /// <summary>Prediction output: the scores of <see cref="PredictedItemsColumnName"/> (Vector&lt;Single&gt;, descending). Default <c>Scores</c>.</summary>
    public string ScoresColumnName { get; set; } = "Scores";
    /// <summary>Items returned per prediction, ≥ 1. Default 20.</summary>
    public int TopK { get; set; } = 20;

    /// <summary>Hidden sizes of the stacked GRU layers (each ≥ 1). Default <c>[100]</c>.</summary>
    public int[] Layers { get; set; } = [100];
    /// <summary>Input embedding size; 0 = one-hot input (the first layer's input weights are a per-item table). Ignored with <see cref="ConstrainedEmbedding"/>. Default 0.</summary>
    public int EmbeddingSize { get; set; }
    /// <summary>Ties the input embedding to the output item embeddings (input = output row of the item, size = last layer). Default true.</summary>
    public bool ConstrainedEmbedding { get; set; } = true;
    /// <summary>Dropout on the input embedding, in [0, 1). Default 0.</summary>
    public float DropoutEmbedding { get; set; }
    /// <summary>Dropout on each layer's hidden state (the dropped state is carried, as in the official code), in [0, 1). Default 0.4.</summary>
    public float DropoutHidden { get; set; } = 0.4f;
    /// <summary>Activation of the candidate scores. Default <see cref="Gru4RecFinalActivation.Linear"/>.</summary>
    public Gru4RecFinalActivation FinalActivation { get; set; } = Gru4RecFinalActivation.Linear;
    /// <summary>Parameter a of <see cref="Gru4RecFinalActivation.Elu"/>, &gt; 0. Default 0.5.</summary>
    public float EluParameter { get; set; } = 0.5f;

    /// <summary>The loss. Default <see cref="Gru4RecLoss.CrossEntropy"/>.</summary>
    public Gru4RecLoss Loss { get; set; } = Gru4RecLoss.CrossEntropy;
    /// <summary>N_A: extra negatives shared by the whole mini-batch, drawn ∝ support^<see cref="SampleAlpha"/> (an item drawn k times in a step is scored once and counted k times); 0 = mini-batch negatives only. Default 2048.</summary>
    public int NumberOfAdditionalSamples { get; set; } = 2048;
    /// <summary>α of the shared-negative distribution (0 uniform, 1 popularity). Default 0.5.</summary>
    public float SampleAlpha { get; set; } = 0.5f;
    /// <summary>Draws kept in the prefilled sample store (refilled when used up), ≥ 1. Default 10,000,000 (the official cache).</summary>
    public int SampleCacheSize { get; set; } = 10_000_000;
    /// <summary>λ of the BPR-max score regularization, ≥ 0. Default 1 (only used by <see cref="Gru4RecLoss.BprMax"/>).</summary>
    public float BprRegularization { get; set; } = 1f;
    /// <summary>Weight of the log-Q correction of cross-entropy, ≥ 0 (0 = off). Default 1.</summary>
    public float LogQ { get; set; } = 1f;

    /// <summary>The optimizer. Default <see cref="Gru4RecOptimizer.AdaGradMomentum"/>.</summary>
    public Gru4RecOptimizer Optimizer { get; set; } = Gru4RecOptimizer.AdaGradMomentum;
    /// <summary>Learning rate, &gt; 0. Default 0.2.</summary>
    public float LearningRate { get; set; } = 0.2f;
    /// <summary>Momentum of AdaGrad, in [0, 1). Default 0.2.</summary>
    public float Momentum { get; set; } = 0.2f;
    /// <summary>Passes over the training events, ≥ 1. Default 10.</summary>
    public int NumberOfEpochs { get; set; } = 10;
    /// <summary>B: sessions run side by side, ≥ 1. Default 32.</summary>
    public int BatchSize { get; set; } = 32;
    /// <summary>Seed of initialization, dropout and sampling. Default 42.</summary>
    public int Seed { get; set; } = 42;
    /// <summary>Threads for the matrix products, ≥ 1 (results do not depend on it). Default 1.</summary>
    public int NumberOfThreads { get; set; } = 1;
    /// <summary>Receives one report per epoch (loss, events/s). Default none.</summary>
    public IProgress<Gru4RecProgress>? Progress { get; set; }

    /// <summary>A copy with every option checked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public Gru4RecOptions ValidatedCopy()
    {
        var copy = (Gru4RecOptions)MemberwiseClone();
        copy.Layers = (Layers ?? throw new ArgumentOutOfRangeException(nameof(Layers), "Layers is null; give at least one hidden size, e.g. [100].")).ToArray();
        if (copy.Layers.Length == 0 || copy.Layers.Any(l => l < 1))
            throw new ArgumentOutOfRangeException(nameof(Layers), $"Layers [{string.Join(", ", copy.Layers)}] must hold at least one size, each ≥ 1.");
        Require(EmbeddingSize >= 0, nameof(EmbeddingSize), EmbeddingSize, "≥ 0 (0 = one-hot input)");
        Require(DropoutEmbedding >= 0 && DropoutEmbedding < 1, nameof(DropoutEmbedding), DropoutEmbedding, "in [0, 1)");
        Require(DropoutHidden >= 0 && DropoutHidden < 1, nameof(DropoutHidden), DropoutHidden, "in [0, 1)");
        Require(EluParameter > 0 && float.IsFinite(EluParameter), nameof(EluParameter), EluParameter, "a finite number > 0");
        Require(Enum.IsDefined(FinalActivation), nameof(FinalActivation), FinalActivation, "a defined Gru4RecFinalActivation");
        Require(Enum.IsDefined(Loss), nameof(Loss), Loss, "a defined Gru4RecLoss");
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "a defined Gru4RecOptimizer");
        Require(NumberOfAdditionalSamples >= 0, nameof(NumberOfAdditionalSamples), NumberOfAdditionalSamples, "≥ 0");
        Require(SampleAlpha >= 0 && float.IsFinite(SampleAlpha), nameof(SampleAlpha), SampleAlpha, "a finite number ≥ 0");
        Require(SampleCacheSize >= 1, nameof(SampleCacheSize), SampleCacheSize, "≥ 1");
        Require(BprRegularization >= 0 && float.IsFinite(BprRegularization), nameof(BprRegularization), BprRegularization, "a finite number ≥ 0");
        Require(LogQ >= 0 && float.IsFinite(LogQ), nameof(LogQ), LogQ, "a finite number ≥ 0");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number > 0");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
        Require(NumberOfEpochs >= 1, nameof(NumberOfEpochs), NumberOfEpochs, "≥ 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "≥ 1");
        Require(NumberOfThreads >= 1, nameof(NumberOfThreads), NumberOfThreads, "≥ 1");
        Require(TopK >= 1, nameof(TopK), TopK, "≥ 1");
        foreach (var (name, value) in new[] { (nameof(SessionColumnName), SessionColumnName), (nameof(ItemColumnName), ItemColumnName),
                     (nameof(TimeColumnName), TimeColumnName), (nameof(PrefixColumnName), PrefixColumnName),
                     (nameof(PredictedItemsColumnName), PredictedItemsColumnName), (nameof(ScoresColumnName), ScoresColumnName) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentOutOfRangeException(name, $"{name} is empty; name the column.");
        return copy;
    }

    /// <summary>Input size of the first GRU layer.</summary>
    internal int InputSize => ConstrainedEmbedding ? Layers[^1] : EmbeddingSize;

    private static void Require(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is invalid; it must be {expected}.");
    }
}

/// <summary>One training epoch's report.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean loss per event of the epoch.</param>
/// <param name="EventsPerSecond">Training events processed per second in the epoch.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
/// <param name="Events">Training events (next-item examples) processed in the epoch.</param>
public sealed record Gru4RecProgress(int Epoch, double Loss, double EventsPerSecond, double Seconds, long Events);
