using Microsoft.ML;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Incremental update of a fitted <see cref="MatrixFactorizationModel"/> with new interactions, without a full
/// retrain (the <c>partial_fit_users</c> / <c>partial_fit_items</c> of the <c>implicit</c> library).
/// </summary>
/// <remarks>
/// <para>Key spaces grow, never renumber: rows <c>0 … model.UserCount − 1</c> (and items likewise) keep their meaning,
/// indices at or above the model's counts in the new interactions are new users / items and get new rows.</para>
/// <para>The touched rows — every user of the new interactions, and every item (or only the new items, see
/// <see cref="MatrixFactorizationUpdateOptions.UpdateExistingItems"/>) — are re-solved against ALL their interactions
/// (previous + new; labels read as 1 each when <see cref="FactorizationSettings.IgnoresLabels"/>) by the trainer's
/// row solve of <see cref="MatrixFactorizationModel.Settings"/> (explicit: exact ridge; implicit: the trainer's
/// Cholesky or conjugate-gradient steps warm-started from the current factors, new rows first solved exactly), for
/// <see cref="MatrixFactorizationUpdateOptions.NumberOfIterations"/> alternating sweeps (users, then items), with the
/// Gramian over all current factors. Untouched rows keep their factors bit for bit. Explicit models keep their global
/// mean μ. Implicit models recompute the item popularity (the unknown-user fallback) from all interactions. The cost is
/// that of the touched rows' half-steps — with CG <c>O(iterations · their interactions · rank · steps)</c>, with
/// Cholesky <c>O(iterations · (touched rows · rank³ + their interactions · rank²))</c> — plus <c>O(rows · rank²)</c>
/// for the Gramians and building the sparse matrix; re-solving a popular existing item reads all of its
/// interactions.</para>
/// <para>The result is a new model (the input is not modified) that scores, saves and loads like a fitted one;
/// deterministic for any thread count.</para>
/// </remarks>
public static class MatrixFactorizationUpdate
{
    /// <summary>Returns <paramref name="model"/> updated with <paramref name="added"/>.</summary>
    /// <param name="mlContext">The context of the new model.</param>
    /// <param name="model">The fitted model (needs <see cref="MatrixFactorizationModel.Settings"/>).</param>
    /// <param name="previous">The interactions the model was trained on (its key spaces, or smaller); the touched
    /// rows are re-solved from these plus <paramref name="added"/>.</param>
    /// <param name="added">The new interactions; its user/item counts are the updated key spaces (at least the model's).</param>
    /// <param name="options">Sweeps and threads, or null for the defaults.</param>
    /// <exception cref="InvalidOperationException">The model has no settings (loaded from a version-1 file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A key space shrinks, <paramref name="previous"/> is larger than the model, or an option is out of range.</exception>
    /// <exception cref="InvalidDataException">An implicit strength is negative or a label is not finite.</exception>
    public static MatrixFactorizationModel Update(MLContext mlContext, MatrixFactorizationModel model, InteractionData previous,
        InteractionData added, MatrixFactorizationUpdateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(added);
        var o = options ?? new MatrixFactorizationUpdateOptions();
        OptionChecks.Positive(nameof(o.NumberOfIterations), o.NumberOfIterations);
        OptionChecks.Threads(o.NumberOfThreads);
        var settings = model.Settings ?? throw new InvalidOperationException(
            "This model was loaded from a matrix factorization file of state version 1, which does not record the training objective; retrain and save it again to update it.");
        if (previous.UserCount > model.UserCount || previous.ItemCount > model.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(previous),
                $"The previous interactions have {previous.UserCount} users × {previous.ItemCount} items but the model only {model.UserCount} × {model.ItemCount}; pass the data the model was trained on.");
        if (added.UserCount < model.UserCount || added.ItemCount < model.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(added),
                $"The new interactions have key spaces of {added.UserCount} users × {added.ItemCount} items, smaller than the model's {model.UserCount} × {model.ItemCount}; key spaces may only grow (map ids with the grown mapping).");
        CheckLabels(added, model.Kind);

        int users = added.UserCount, items = added.ItemCount, rank = model.Rank;
        int threads = OptionChecks.ResolveThreads(o.NumberOfThreads);
        bool isExplicit = model.Kind == MatrixFactorizationKind.Explicit;
        var combined = Concatenate(previous, added, settings.IgnoresLabels);
        var byUser = UserItemMatrix.FromInteractions(isExplicit ? MatrixFactorizationTrainer.AveragedDuplicates(combined) : combined);
        var byItem = byUser.Transpose();
        var touchedUsers = Distinct(added.Users, 0);
        var touchedItems = Distinct(added.Items, o.UpdateExistingItems ? 0 : model.ItemCount);

        var p = Grow(model.UserFactors.Values, users * rank);
        var q = Grow(model.ItemFactors.Values, items * rank);
        if (isExplicit)
        {
            var bu = Grow(model.UserBiases!, users);
            var bi = Grow(model.ExplicitItemBiases!, items);
            var userRows = TouchedRows(byUser, touchedUsers);
            var itemRows = TouchedRows(byItem, touchedItems);
            for (int it = 0; it < o.NumberOfIterations; it++)
            {
                SweepExplicit(userRows, touchedUsers, p, bu, q, bi, rank, model.GlobalMean, settings, threads);
                SweepExplicit(itemRows, touchedItems, q, bi, p, bu, rank, model.GlobalMean, settings, threads);
            }
            return new MatrixFactorizationModel(mlContext, model.Kind, model.UserColumnName, model.ItemColumnName, users, items, rank,
                p, q, bu, bi, model.GlobalMean, null, settings);
        }
        var userSide = TouchedRows(byUser, touchedUsers);
        var itemSide = TouchedRows(byItem, touchedItems);
        // New rows start from an exact solve (users against the old items, then items against all users); then every
        // touched row takes the trainer's own half-steps (Cholesky, or CG warm-started from the current factors).
        var exact = settings.ToWeightedAls(threads);
        var newUsers = touchedUsers.Where(u => u >= model.UserCount).ToArray();
        var newItems = touchedItems.Where(i => i >= model.ItemCount).ToArray();
        SweepImplicit(TouchedRows(byUser, newUsers), newUsers, p, q, items, rank, settings, exact);
        SweepImplicit(TouchedRows(byItem, newItems), newItems, q, p, users, rank, settings, exact);
        var trainer = settings.ToWeightedAls(threads, trainerSolver: true);
        for (int it = 0; it < o.NumberOfIterations; it++)
        {
            SweepImplicit(userSide, touchedUsers, p, q, items, rank, settings, trainer);
            SweepImplicit(itemSide, touchedItems, q, p, users, rank, settings, trainer);
        }
        return new MatrixFactorizationModel(mlContext, model.Kind, model.UserColumnName, model.ItemColumnName, users, items, rank,
            p, q, null, null, 0, WeightedAlsTraining.Popularity(combined), settings);
    }

    private static void SweepImplicit(UserItemMatrix? rows, int[] touched, float[] x, float[] y, int yCount, int rank,
        FactorizationSettings settings, WeightedAlsSettings als)
    {
        if (rows == null) return;
        var confidence = Array.ConvertAll(rows.Values, settings.Confidence);
        var terms = GramianTerms.Compute(y, yCount, rank, als);
        var local = Gather(x, touched, rank);
        WeightedAls.Sweep(rows, confidence, local, y, rank, terms, als);
        Scatter(local, x, touched, rank);
    }

    private static void SweepExplicit(UserItemMatrix? rows, int[] touched, float[] x, float[] xBias, float[] y, float[] yBias, int rank,
        float mean, FactorizationSettings settings, int threads)
    {
        if (rows == null) return;
        var local = Gather(x, touched, rank);
        var localBias = Gather(xBias, touched, 1);
        ExplicitAls.Sweep(rows, local, localBias, y, yBias, rank, mean, settings.UseBiases, settings.Lambda, settings.NonNegative, threads);
        Scatter(local, x, touched, rank);
        Scatter(localBias, xBias, touched, 1);
    }

    // The rows `touched` of `matrix` as their own matrix (row k = touched[k]), or null when nothing is touched.
    private static UserItemMatrix? TouchedRows(UserItemMatrix matrix, int[] touched)
    {
        if (touched.Length == 0) return null;
        int nnz = 0;
        foreach (int r in touched) nnz += matrix.RowStart[r + 1] - matrix.RowStart[r];
        var rowIds = new int[nnz];
        var cols = new int[nnz];
        var vals = new float[nnz];
        int n = 0;
        for (int k = 0; k < touched.Length; k++)
            for (int e = matrix.RowStart[touched[k]]; e < matrix.RowStart[touched[k] + 1]; e++)
            {
                rowIds[n] = k;
                cols[n] = matrix.ItemIndices[e];
                vals[n++] = matrix.Values[e];
            }
        return UserItemMatrix.FromInteractions(new InteractionData(touched.Length, matrix.ItemCount, rowIds, cols, vals));
    }

    // A model trained without labels (every row strength 1) is updated the same way.
    private static InteractionData Concatenate(InteractionData previous, InteractionData added, bool ignoreLabels) => new(
        added.UserCount, added.ItemCount, [.. previous.Users, .. added.Users], [.. previous.Items, .. added.Items],
        ignoreLabels ? Enumerable.Repeat(1f, previous.Count + added.Count).ToArray() : [.. previous.Labels, .. added.Labels]);

    private static int[] Distinct(int[] indices, int minimum)
    {
        var set = new SortedSet<int>();
        foreach (int i in indices) if (i >= minimum) set.Add(i);
        return [.. set];
    }

    private static float[] Grow(float[] values, int length)
    {
        var grown = new float[length];
        values.CopyTo(grown, 0);
        return grown;
    }

    private static float[] Gather(float[] x, int[] rows, int width)
    {
        var local = new float[rows.Length * width];
        for (int k = 0; k < rows.Length; k++) Array.Copy(x, rows[k] * width, local, k * width, width);
        return local;
    }

    private static void Scatter(float[] local, float[] x, int[] rows, int width)
    {
        for (int k = 0; k < rows.Length; k++) Array.Copy(local, k * width, x, rows[k] * width, width);
    }

    private static void CheckLabels(InteractionData data, MatrixFactorizationKind kind)
    {
        for (int r = 0; r < data.Count; r++)
        {
            float v = data.Labels[r];
            if (!float.IsFinite(v) || (kind == MatrixFactorizationKind.Implicit && v < 0))
                throw new InvalidDataException($"New interaction {r} (user {data.Users[r]}, item {data.Items[r]}) has label {v}; labels must be finite{(kind == MatrixFactorizationKind.Implicit ? " and ≥ 0 (implicit strengths)" : "")}.");
        }
    }
}
