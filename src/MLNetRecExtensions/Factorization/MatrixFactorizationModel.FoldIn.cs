using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Factorization;

/// <summary>Fold-in: a new (or changed) user or item solved against the fixed factors of the other side.</summary>
public sealed partial class MatrixFactorizationModel : IHistoryEmbeddingModel
{
    private GramianTerms? _itemTerms;
    private GramianTerms? _userTerms;

    /// <summary>
    /// Folds a user in from their <paramref name="items"/> (0-based item indices; repeats allowed) and optional
    /// <paramref name="ratings"/>, solving exactly the trainer's per-row problem of <see cref="Settings"/> with the item
    /// factors fixed; returns the user's factors (length <see cref="Rank"/>). See the overload with the user bias.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no <see cref="Settings"/> (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside [0, <see cref="ItemCount"/>) or a rating is invalid.</exception>
    /// <exception cref="ArgumentException">Ratings are missing for an explicit model or differ in length from the items.</exception>
    public float[] FoldInUser(ReadOnlySpan<int> items, ReadOnlySpan<float> ratings = default) => FoldInUser(items, ratings, out _);

    /// <summary>
    /// Folds a user in and also returns the user bias <paramref name="userBias"/> (explicit models with biases; else 0).
    /// </summary>
    /// <remarks>
    /// <para>Implicit models: repeated items are merged by summing their strengths (1 each when
    /// <paramref name="ratings"/> is empty, or always when <see cref="FactorizationSettings.IgnoresLabels"/>), each gets confidence <c>c = 1 + α·r</c>, and
    /// <c>((w0 + g)·QᵀQ + λI + Σ_i (c_i − w0) q_i q_iᵀ) x = w0·t0·Σq + Σ_i (c_i − w0·t0) q_i</c> is solved by Cholesky
    /// (<see cref="WeightedAls"/>' exact row solve, the Gramian <c>QᵀQ</c> computed once per model). For a user who was
    /// in the training data this reproduces the trained factors once the item factors have converged.</para>
    /// <para>Explicit models: ratings are required; repeated items are averaged; the ridge problem
    /// <c>Σ_i (r_i − μ − b_i − b_u − p·q_i)² + λ·n (‖p‖² + b_u²)</c> is solved exactly (ALS-WR's row solve).</para>
    /// <para>Fallback: with no items the result is the zero vector (and bias 0), which is exactly the unknown-user row of
    /// the scoring chain: explicit models then score <c>μ + b_i</c>, implicit models 0
    /// (<see cref="EmbedHistory(ReadOnlySpan{int}, ReadOnlySpan{float})"/> ranks such a user by <see cref="ItemPopularity"/>).</para>
    /// <para>Thread-safe. The Gramian is cached: do not modify <see cref="ItemFactors"/> after the first call.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The model has no <see cref="Settings"/> (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside [0, <see cref="ItemCount"/>) or a rating is invalid.</exception>
    /// <exception cref="ArgumentException">Ratings are missing for an explicit model or differ in length from the items.</exception>
    public float[] FoldInUser(ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, out float userBias) =>
        FoldIn(items, ratings, ItemCount, "item", ItemFactors, ExplicitItemBiases, ref _itemTerms, out userBias);

    /// <summary>
    /// Folds an item in from the <paramref name="users"/> who interacted with it (0-based user indices) and optional
    /// <paramref name="ratings"/>: the same solve as <see cref="FoldInUser(ReadOnlySpan{int}, ReadOnlySpan{float}, out float)"/>
    /// with the roles swapped (user factors fixed; explicit: the user biases are the fixed offsets and
    /// <paramref name="itemBias"/> is solved). No users gives the zero vector and bias 0 (the unknown-item row).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no <see cref="Settings"/> (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A user index is outside [0, <see cref="UserCount"/>) or a rating is invalid.</exception>
    /// <exception cref="ArgumentException">Ratings are missing for an explicit model or differ in length from the users.</exception>
    public float[] FoldInItem(ReadOnlySpan<int> users, ReadOnlySpan<float> ratings, out float itemBias) =>
        FoldIn(users, ratings, UserCount, "user", UserFactors, UserBiases, ref _userTerms, out itemBias);

    // One row of either side against the fixed factors (and, explicit, biases) of the other side.
    private float[] FoldIn(ReadOnlySpan<int> indices, ReadOnlySpan<float> ratings, int count, string what, EmbeddingTable fixedSide,
        float[]? fixedBiases, ref GramianTerms? terms, out float bias)
    {
        var settings = RequireSettings();
        var (columns, values) = FoldInRows.Merge(indices, ratings, count, what, Kind == MatrixFactorizationKind.Explicit, settings.IgnoresLabels);
        var x = new float[Rank];
        bias = 0;
        if (columns.Length == 0) return x;
        if (Kind == MatrixFactorizationKind.Explicit)
            ExplicitAls.SolveRow(columns, values, fixedSide.Values, fixedBiases!, Rank, GlobalMean, settings.UseBiases,
                settings.Lambda, settings.NonNegative, x, ref bias, new ExplicitRowWorkspace(Rank, settings.UseBiases));
        else
            FoldInRows.SolveImplicit(columns, values, fixedSide.Values, LazyTerms(ref terms, fixedSide, settings), settings, x);
        return x;
    }

    /// <summary>
    /// The ranking query of a user known only by <paramref name="items"/>: the folded-in factors, scored against
    /// <see cref="ItemFactors"/> plus <c>b_i</c> (explicit; <c>μ</c> and <c>b_u</c> do not change the ranking). With no
    /// items the fallback is the unknown user's ranking: by <see cref="ItemPopularity"/> (implicit) or by <c>b_i</c>
    /// (explicit).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no <see cref="Settings"/> (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside the catalog or a weight is invalid.</exception>
    /// <exception cref="ArgumentException">Weights are missing for an explicit model or differ in length from the items.</exception>
    public HistoryEmbedding EmbedHistory(ReadOnlySpan<int> items, ReadOnlySpan<float> weights)
    {
        var x = FoldInUser(items, weights);
        bool fallback = items.Length == 0;
        var terms = Kind == MatrixFactorizationKind.Explicit ? ExplicitItemBiases : fallback ? ItemPopularity : null;
        return new HistoryEmbedding(x, terms, fallback);
    }

    /// <summary>
    /// The ranking query of a user known only by <paramref name="items"/> with a popularity prior: as
    /// <see cref="EmbedHistory(ReadOnlySpan{int}, ReadOnlySpan{float})"/>, plus <see cref="PopularityPrior"/> of
    /// <paramref name="popularityPriorWeight"/> added to every item's score (explicit models: to <c>b_i</c>).
    /// </summary>
    /// <remarks>
    /// Why: a short history (3–10 items) folds in to a short vector whose scores barely separate the items; on MovieLens
    /// the first interactions of a user are mostly popular titles, and the fold-in then ranks about as well as popularity
    /// alone. The prior keeps the fold-in's personal order among items while breaking near-ties towards popular ones, and
    /// it fades as the history grows (the fold-in scores grow with it). Choose the weight on simulated new users from the
    /// training data (the <c>foldin tune</c> benchmark does: 0.3 for the <see cref="ImplicitAlsTrainer"/> defaults on
    /// MovieLens-100K); 0 is plain fold-in. The empty-history fallback is unchanged.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="popularityPriorWeight"/> is negative or not finite,
    /// or an item index or weight is invalid.</exception>
    /// <exception cref="InvalidOperationException">The model has no <see cref="Settings"/> (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentException">Weights are missing for an explicit model or differ in length from the items.</exception>
    public HistoryEmbedding EmbedHistory(ReadOnlySpan<int> items, ReadOnlySpan<float> weights, float popularityPriorWeight)
    {
        var prior = PopularityPrior(popularityPriorWeight);
        var query = EmbedHistory(items, weights);
        if (query.IsFallback || popularityPriorWeight == 0) return query;
        if (query.ItemTerms != null)
            for (int i = 0; i < prior.Length; i++) prior[i] += query.ItemTerms[i];
        return new HistoryEmbedding(query.Vector, prior, isFallback: false);
    }

    /// <summary>
    /// The popularity prior of cold-start rankings, length <see cref="ItemCount"/>:
    /// <c>weight · ln(1 + n_i) / ln(1 + max_j n_j)</c> with <c>n_i</c> = <see cref="ItemPopularity"/> (training
    /// interactions of item <c>i</c>), so the most popular item gets <paramref name="weight"/> and an unseen one 0
    /// (all 0 when the model has no popularity counts).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative or not finite.</exception>
    public float[] PopularityPrior(float weight)
    {
        if (!float.IsFinite(weight) || weight < 0)
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The popularity prior weight must be finite and ≥ 0 (0 is plain fold-in).");
        var prior = new float[ItemCount];
        var counts = ItemPopularity;
        if (counts == null || counts.Length == 0) return prior;
        float max = counts.Max();
        if (max <= 0) return prior;
        float scale = weight / MathF.Log(1 + max);
        for (int i = 0; i < prior.Length; i++) prior[i] = scale * MathF.Log(1 + Math.Max(counts[i], 0));
        return prior;
    }

    private FactorizationSettings RequireSettings() => Settings ?? throw new InvalidOperationException(
        "This model was loaded from a matrix factorization file of state version 1, which does not record the training objective " +
        "(λ, confidence, unobserved weight) that fold-in and updates solve; retrain it and save it again with this version.");

    private static GramianTerms LazyTerms(ref GramianTerms? cache, EmbeddingTable fixedSide, FactorizationSettings settings)
    {
        var terms = Volatile.Read(ref cache);
        if (terms != null) return terms;
        terms = GramianTerms.Compute(fixedSide.Values, fixedSide.Count, fixedSide.Dimension, settings.ToWeightedAls(Environment.ProcessorCount));
        return Interlocked.CompareExchange(ref cache, terms, null) ?? terms;
    }
}
