using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.TwoTower;

/// <summary>Training objective of <see cref="TwoTowerEstimator"/>.</summary>
public enum TwoTowerLoss
{
    /// <summary>In-batch softmax: the other rows' positives are a row's negatives, logits corrected by −log Q(item)
    /// with Q the item frequency (Yi et al. 2019). Add <see cref="TwoTowerOptions.SharedNegatives"/> for mixed negative
    /// sampling (Yang et al. 2020).</summary>
    InBatchSoftmax,
    /// <summary>Sampled softmax: each row sees its positive plus <see cref="TwoTowerOptions.SharedNegatives"/> negatives
    /// shared by the batch, drawn from count^<see cref="TwoTowerOptions.SamplingExponent"/> (0 = uniform) with log-Q
    /// correction.</summary>
    SampledSoftmax,
    /// <summary>Full softmax over the whole item catalog (exact, cost grows with the catalog).</summary>
    FullSoftmax,
    /// <summary>Pointwise logistic loss on the positives only (no negatives): it only pulls positive pairs together.
    /// Kept to show folding; do not use it to rank.</summary>
    PositivesOnly,
}

/// <summary>Similarity of a user and an item embedding.</summary>
public enum TwoTowerSimilarity
{
    /// <summary>Cosine: both tower outputs are L2-normalized; the score is their dot product in [−1, 1].</summary>
    Cosine,
    /// <summary>Plain dot product of the tower outputs.</summary>
    Dot,
}

/// <summary>Initial values of the embedding tables of <see cref="TwoTowerEstimator"/>.</summary>
public enum TwoTowerInitialization
{
    /// <summary>Normal with standard deviation 1/√dimension.</summary>
    Normal,
    /// <summary>Uniform in [−0.05, 0.05], the Keras / TFRS <c>Embedding</c> default (and the PyTorch peer's choice).</summary>
    KerasUniform,
}

/// <summary>Optimizer of <see cref="TwoTowerEstimator"/>.</summary>
public enum TwoTowerOptimizer
{
    /// <summary>Adam; embedding tables use its lazy sparse variant (only the batch's rows are updated).</summary>
    Adam,
    /// <summary>AdaGrad (initial accumulator 0.1).</summary>
    AdaGrad,
}

/// <summary>
/// Options of <see cref="TwoTowerEstimator"/>. The defaults train an IDs-only model — user tower = user-ID embedding
/// plus the mean of the user's training items' embeddings through an MLP; item tower = item-ID embedding — with cosine
/// similarity and in-batch softmax with log-Q correction, which needs only the key-typed <c>UserId</c> and
/// <c>ItemId</c> columns. Every row of the training data is a positive (labels are ignored).
/// </summary>
public sealed class TwoTowerOptions
{
    /// <summary>Key-typed user column. Default <c>UserId</c>.</summary>
    public string UserColumnName { get; set; } = InteractionColumns.User;

    /// <summary>Key-typed item column. Default <c>ItemId</c>.</summary>
    public string ItemColumnName { get; set; } = InteractionColumns.Item;

    /// <summary>Whether the user tower embeds the user ID. Default true. A user without training rows (and a
    /// cold-start user) gets an empty ID input (the zero vector).</summary>
    public bool UseUserId { get; set; } = true;

    /// <summary>
    /// Optional vector-of-item-keys column (variable or fixed length, same key count as the item column): the history
    /// of each row (e.g. watched items before the row's item, see <see cref="TwoTowerExamples"/>), mean-pooled.
    /// Key 0 (an unknown item) is skipped; an empty history pools to the zero vector. Default null.
    /// </summary>
    public string? HistoryColumnName { get; set; }

    /// <summary>
    /// When <see cref="HistoryColumnName"/> is null: pool all of the user's training items as the history of every row
    /// of the user (and of the user's embedding after training). Default true.
    /// </summary>
    public bool UseTrainingHistory { get; set; } = true;

    /// <summary>Whether the history shares the item-ID embedding table of the item tower (true, default) or has its own.</summary>
    public bool ShareHistoryEmbeddings { get; set; } = true;

    /// <summary>Optional vector-of-keys column of tokens (e.g. search tokens), mean-pooled through its own table; key 0 is
    /// skipped, an empty bag pools to zero. Default null.</summary>
    public string? TokenColumnName { get; set; }

    /// <summary>User-side scalar key columns (e.g. gender, occupation), each with its own embedding table; key 0 (missing)
    /// embeds to zero. Default none.</summary>
    public string[] CategoricalColumnNames { get; set; } = [];

    /// <summary>
    /// User-side numeric columns (scalars, or known-size vectors), each slot scaled to [0, 1] with the minimum and maximum
    /// seen at Fit (values outside are clamped; a constant slot is only shifted) by the shared feature preparation of
    /// <c>MLNetRecExtensions.Features</c>; NaN or infinite values are rejected. Default none.
    /// </summary>
    public string[] ContinuousColumnNames { get; set; } = [];

    /// <summary>Also feed x² and √x of every scaled continuous value (the YouTube paper's treatment of example age). Default true.</summary>
    public bool AddContinuousPowers { get; set; } = true;

    /// <summary>Also feed, per continuous slot, a one-hot indicator of its bucket among this many quantile buckets of the
    /// training values (0 = none, else ≥ 2). Default 0.</summary>
    public int ContinuousBuckets { get; set; }

    /// <summary>Item-side scalar key columns, read from the item's first training row. Default none.</summary>
    public string[] ItemCategoricalColumnNames { get; set; } = [];

    /// <summary>Item-side numeric columns (scalars or known-size vectors, e.g. genre flags), read from the item's first
    /// training row and scaled like <see cref="ContinuousColumnNames"/> (no powers). Default none.</summary>
    public string[] ItemContinuousColumnNames { get; set; } = [];

    /// <summary>
    /// Probability, per training row, of hiding the user ID and the history from the user tower (the row is seen as a
    /// new user's, embedded from its other inputs only). It makes the feature path carry the user on its own, which
    /// is what a cold-start user (no ID, no history) is scored with; 0 (default) never hides them. Only applies when
    /// the user tower has inputs besides the ID and history. Must be in [0, 1).
    /// </summary>
    public float UserIdDropout { get; set; }

    /// <summary>
    /// Probability, per candidate item of a training batch, of hiding the item ID from the item tower, so a new item
    /// is embedded from its features (<see cref="ItemCategoricalColumnNames"/>, <see cref="ItemContinuousColumnNames"/>)
    /// alone. 0 (default) never hides it. Only applies when the item tower has features. Must be in [0, 1).
    /// </summary>
    public float ItemIdDropout { get; set; }

    /// <summary>
    /// L2 weight decay λ on the embedding tables, applied to the rows a batch touches (the gradient of a touched row
    /// gains λ·w): it keeps rarely seen IDs small so that features, not memorised IDs, explain them. 0 (default) is off.
    /// </summary>
    public float EmbeddingWeightDecay { get; set; }

    /// <summary>
    /// Optional numeric timestamp column (any unit; e.g. Unix seconds). When set, the user tower gets the YouTube
    /// paper's example age: <c>max training timestamp − timestamp</c> of each training row, scaled like the other
    /// continuous inputs (with x² and √x when <see cref="AddContinuousPowers"/>). At serving — the fitted user
    /// embeddings, <see cref="TwoTowerTransformer.ComputeUserEmbedding"/> and the saved model — the age is 0 (the
    /// end of training), so the column is not read when scoring. Default null.
    /// </summary>
    public string? ExampleAgeColumnName { get; set; }

    /// <summary>
    /// At most this many training rows per user (the YouTube paper's cap against a few very active users dominating
    /// the loss): a user with more rows trains on a random subset of this size, drawn once with <see cref="Seed"/>.
    /// The user's training history (for <see cref="UseTrainingHistory"/>) still holds all of the user's rows.
    /// 0 (default) keeps every row.
    /// </summary>
    public int MaxExamplesPerUser { get; set; }

    /// <summary>
    /// How the item tower combines the item ID with item features (when it has features): true (default) adds the ID
    /// embedding to an MLP of the features only (<c>v = e_id + MLP(features)</c>, a learned mix in which a new item is
    /// its feature path); false feeds the ID embedding and the features through one MLP together.
    /// On ML-100K the joint MLP lowered NDCG@10 (see README, "Matrix factorization vs the softmax DNN").
    /// </summary>
    public bool ItemTowerResidual { get; set; } = true;

    /// <summary>Output dimension of both towers and width of every embedding table. Default 64.</summary>
    public int EmbeddingDimension { get; set; } = 64;

    /// <summary>Hidden widths of the user MLP (ReLU), followed by a linear layer to <see cref="EmbeddingDimension"/>.
    /// Null (default) means halving from 4·dimension: 256 → 128 → 64 for dimension 64. Empty: one linear layer.</summary>
    public int[]? UserHiddenLayers { get; set; }

    /// <summary>
    /// The user tower is the user-ID embedding table itself: no MLP, not even a linear layer (the classic ID-only
    /// two-tower, e.g. TFRS's or the PyTorch peer's). Needs <see cref="UseUserId"/> and no other user input
    /// (<see cref="UseTrainingHistory"/> false, no history, token, categorical or continuous column);
    /// <see cref="UserHiddenLayers"/> is then ignored. Default false.
    /// </summary>
    public bool BareUserIdTower { get; set; }
    /// <summary>Hidden widths of the item MLP, used only when the item tower has features besides the item ID (otherwise
    /// the item tower is the ID embedding itself). Null (default) means one hidden layer of 2·dimension.</summary>
    public int[]? ItemHiddenLayers { get; set; }

    /// <summary>Similarity of the towers. Default <see cref="TwoTowerSimilarity.Cosine"/>.</summary>
    public TwoTowerSimilarity Similarity { get; set; } = TwoTowerSimilarity.Cosine;

    /// <summary>Softmax temperature τ: logits are similarity / τ. Default 0.2. Scores of the fitted model are not divided by τ.</summary>
    public float Temperature { get; set; } = 0.2f;

    /// <summary>Training objective. Default <see cref="TwoTowerLoss.InBatchSoftmax"/>.</summary>
    public TwoTowerLoss Loss { get; set; } = TwoTowerLoss.InBatchSoftmax;

    /// <summary>Shared negatives per batch: required (&gt; 0) for sampled softmax, optional for in-batch softmax (mixed
    /// negative sampling). Default 0.</summary>
    public int SharedNegatives { get; set; }

    /// <summary>Exponent α of the shared negatives' proposal count^α (0 = uniform, 1 = item frequency). Default 0.75.</summary>
    public double SamplingExponent { get; set; } = 0.75;

    /// <summary>
    /// In-batch and sampled softmax: leave a row's accidental hits out of its softmax — other columns holding the row's
    /// own item. Default true. False keeps them as negatives, as a plain in-batch softmax (TFRS without
    /// <c>remove_accidental_hits</c>, the PyTorch peer) does.
    /// </summary>
    public bool RemoveAccidentalHits { get; set; } = true;
    /// <summary>
    /// Step every row of each embedding table the batch touched (zero gradient for the rows it did not use), so Adam's
    /// moments keep moving every row, as PyTorch's Adam does on an <c>nn.Embedding</c> with dense gradients. Default
    /// false: the lazy sparse step, which updates only the batch's rows.
    /// </summary>
    public bool DenseEmbeddingUpdates { get; set; }
    /// <summary>Initial values of every embedding table. Default <see cref="TwoTowerInitialization.Normal"/>.</summary>
    public TwoTowerInitialization Initialization { get; set; } = TwoTowerInitialization.Normal;
    /// <summary>Also mask candidates that are in the row user's training history (not only the row's own item). Default false.</summary>
    public bool MaskTrainingHistory { get; set; }

    /// <summary>Weight λ of the gravity regularizer λ·⟨UᵀU, VᵀV⟩/(n·m) over the batch's user and candidate item
    /// embeddings (Krichene et al. 2019); 0 (default) turns it off.</summary>
    public float GravityWeight { get; set; }

    /// <summary>Optimizer. Default <see cref="TwoTowerOptimizer.Adam"/>.</summary>
    public TwoTowerOptimizer Optimizer { get; set; } = TwoTowerOptimizer.Adam;

    /// <summary>Step size. Default 0.003.</summary>
    public float LearningRate { get; set; } = 0.003f;

    /// <summary>Passes over the training rows. Default 12.</summary>
    public int NumberOfEpochs { get; set; } = 12;

    /// <summary>Positives per mini-batch (and, for in-batch softmax, candidates per row). Default 1024.</summary>
    public int BatchSize { get; set; } = 1024;

    /// <summary>Seed of initialisation, shuffling and sampling; a fixed seed gives identical models. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Most threads of the matrix products of the loss (0 = all cores). Results do not depend on it. Default 0.</summary>
    public int NumberOfThreads { get; set; }

    /// <summary>K of the validation Recall@K reported per epoch when validation data is given. Default 10.</summary>
    public int ValidationK { get; set; } = 10;

    /// <summary>Stop after this many epochs without a better validation Recall@K and keep the best epoch's weights;
    /// 0 (default) never stops early. Needs validation data.</summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>Receives one <see cref="TwoTowerProgress"/> per epoch. Default null.</summary>
    public IProgress<TwoTowerProgress>? Progress { get; set; }

    /// <summary>A copy whose array members are copied too.</summary>
    internal TwoTowerOptions Clone()
    {
        var copy = (TwoTowerOptions)MemberwiseClone();
        copy.CategoricalColumnNames = [.. CategoricalColumnNames];
        copy.ContinuousColumnNames = [.. ContinuousColumnNames];
        copy.ItemCategoricalColumnNames = [.. ItemCategoricalColumnNames];
        copy.ItemContinuousColumnNames = [.. ItemContinuousColumnNames];
        copy.UserHiddenLayers = UserHiddenLayers is null ? null : [.. UserHiddenLayers];
        copy.ItemHiddenLayers = ItemHiddenLayers is null ? null : [.. ItemHiddenLayers];
        return copy;
    }

    /// <summary>The user MLP's hidden widths after applying the default.</summary>
    internal int[] ResolvedUserHiddenLayers => UserHiddenLayers ?? [4 * EmbeddingDimension, 2 * EmbeddingDimension];

    /// <summary>The item MLP's hidden widths after applying the default.</summary>
    internal int[] ResolvedItemHiddenLayers => ItemHiddenLayers ?? [2 * EmbeddingDimension];

    /// <summary>Whether the user tower pools a history (column or training history).</summary>
    internal bool HasHistory => HistoryColumnName != null || UseTrainingHistory;

    /// <summary>Whether the user tower has inputs besides the user ID and the history (what <see cref="UserIdDropout"/> leaves).</summary>
    internal bool HasUserFeatures => TokenColumnName != null || CategoricalColumnNames.Length > 0 || ContinuousColumnNames.Length > 0 || ExampleAgeColumnName != null;

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    internal void Validate()
    {
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        static void Fail(string name, object? value, string rule) =>
            throw new ArgumentOutOfRangeException(name, value, $"TwoTowerOptions.{name} {rule}");
        if (string.IsNullOrEmpty(UserColumnName)) Fail(nameof(UserColumnName), UserColumnName, "must name the key-typed user column.");
        if (string.IsNullOrEmpty(ItemColumnName)) Fail(nameof(ItemColumnName), ItemColumnName, "must name the key-typed item column.");
        if (CategoricalColumnNames is null) Fail(nameof(CategoricalColumnNames), null, "must not be null (use an empty array).");
        if (ContinuousColumnNames is null) Fail(nameof(ContinuousColumnNames), null, "must not be null (use an empty array).");
        if (ItemCategoricalColumnNames is null) Fail(nameof(ItemCategoricalColumnNames), null, "must not be null (use an empty array).");
        if (ItemContinuousColumnNames is null) Fail(nameof(ItemContinuousColumnNames), null, "must not be null (use an empty array).");
        if (!UseUserId && !HasHistory && TokenColumnName == null && CategoricalColumnNames.Length == 0 && ContinuousColumnNames.Length == 0 && ExampleAgeColumnName == null)
            Fail(nameof(UseUserId), UseUserId, "is false and no other user input is configured; the user tower needs at least one input (user ID, history, tokens, categorical or continuous columns).");
        if (!(UserIdDropout >= 0 && UserIdDropout < 1)) Fail(nameof(UserIdDropout), UserIdDropout, "must be in [0, 1) (0.5 suits cold start).");
        if (!(ItemIdDropout >= 0 && ItemIdDropout < 1)) Fail(nameof(ItemIdDropout), ItemIdDropout, "must be in [0, 1).");
        if (!(EmbeddingWeightDecay >= 0) || !float.IsFinite(EmbeddingWeightDecay)) Fail(nameof(EmbeddingWeightDecay), EmbeddingWeightDecay, "must be a finite number ≥ 0.");
        if (ExampleAgeColumnName is { Length: 0 }) Fail(nameof(ExampleAgeColumnName), ExampleAgeColumnName, "must be null or name a numeric timestamp column.");
        if (ContinuousBuckets is < 0 or 1) Fail(nameof(ContinuousBuckets), ContinuousBuckets, "must be 0 (none) or at least 2.");
        if (MaxExamplesPerUser < 0) Fail(nameof(MaxExamplesPerUser), MaxExamplesPerUser, "must be ≥ 0 (0 = no cap).");
        if (EmbeddingDimension < 1) Fail(nameof(EmbeddingDimension), EmbeddingDimension, "must be at least 1 (64 is typical).");
        foreach (var w in ResolvedUserHiddenLayers) if (w < 1) Fail(nameof(UserHiddenLayers), w, "must hold positive widths.");
        foreach (var w in ResolvedItemHiddenLayers) if (w < 1) Fail(nameof(ItemHiddenLayers), w, "must hold positive widths.");
        if (!(Temperature > 0) || !float.IsFinite(Temperature)) Fail(nameof(Temperature), Temperature, "must be a positive finite number (0.05–0.2 suits cosine similarity).");
        if (!Enum.IsDefined(Loss)) Fail(nameof(Loss), Loss, "is not a defined TwoTowerLoss.");
        if (!Enum.IsDefined(Similarity)) Fail(nameof(Similarity), Similarity, "is not a defined TwoTowerSimilarity.");
        if (!Enum.IsDefined(Optimizer)) Fail(nameof(Optimizer), Optimizer, "is not a defined TwoTowerOptimizer.");
        if (!Enum.IsDefined(Initialization)) Fail(nameof(Initialization), Initialization, "is not a defined TwoTowerInitialization.");
        if (BareUserIdTower && (!UseUserId || HasHistory || TokenColumnName != null || CategoricalColumnNames.Length > 0 || ContinuousColumnNames.Length > 0))
            Fail(nameof(BareUserIdTower), BareUserIdTower, "needs the user ID as the only user input: set UseUserId = true and UseTrainingHistory = false, and leave HistoryColumnName, TokenColumnName, CategoricalColumnNames and ContinuousColumnNames unset.");
        if (SharedNegatives < 0) Fail(nameof(SharedNegatives), SharedNegatives, "must be ≥ 0.");
        if (Loss == TwoTowerLoss.SampledSoftmax && SharedNegatives == 0)
            Fail(nameof(SharedNegatives), SharedNegatives, "must be positive for SampledSoftmax (e.g. 256): it is the number of sampled negatives per batch.");
        if (!(SamplingExponent >= 0) || double.IsInfinity(SamplingExponent)) Fail(nameof(SamplingExponent), SamplingExponent, "must be a finite number ≥ 0.");
        if (!(GravityWeight >= 0) || !float.IsFinite(GravityWeight)) Fail(nameof(GravityWeight), GravityWeight, "must be a finite number ≥ 0.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) Fail(nameof(LearningRate), LearningRate, "must be a positive finite number.");
        if (NumberOfEpochs < 1) Fail(nameof(NumberOfEpochs), NumberOfEpochs, "must be at least 1.");
        if (BatchSize < 2) Fail(nameof(BatchSize), BatchSize, "must be at least 2 (in-batch softmax needs other rows).");
        if (NumberOfThreads < 0) Fail(nameof(NumberOfThreads), NumberOfThreads, "must be ≥ 0 (0 = all cores).");
        if (ValidationK < 1) Fail(nameof(ValidationK), ValidationK, "must be at least 1.");
        if (EarlyStoppingPatience < 0) Fail(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be ≥ 0 (0 = no early stopping).");
    }
}
