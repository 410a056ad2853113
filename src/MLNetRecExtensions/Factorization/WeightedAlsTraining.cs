using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The training loop of weighted ALS: per iteration one user sweep and one item sweep (each with the Gramian of the
/// fixed side computed once), then the objective. Deterministic for a seed whatever the thread count, because rows are
/// solved independently and the Gramian is summed in a fixed order.
/// </summary>
internal static class WeightedAlsTraining
{
    /// <summary>Runs the loop; <paramref name="confidence"/> maps a merged (user, item) value to its weight c.</summary>
    /// <returns>User factors <c>[users, rank]</c> and item factors <c>[items, rank]</c>.</returns>
    public static (float[] Users, float[] Items) Train(InteractionData data, Func<float, float> confidence, int rank,
        int iterations, int seed, WeightedAlsSettings settings, TrainingMonitor monitor)
    {
        var byUser = UserItemMatrix.FromInteractions(data);
        var byItem = byUser.Transpose();
        var confUser = Array.ConvertAll(byUser.Values, v => confidence(v));
        var confItem = Array.ConvertAll(byItem.Values, v => confidence(v));
        var random = new Random(seed);
        double std = 0.1 / Math.Sqrt(rank);
        var items = FactorInitializer.Normal(random, data.ItemCount * rank, std);
        var users = FactorInitializer.Normal(random, data.UserCount * rank, std);
        var itemTerms = GramianTerms.Compute(items, data.ItemCount, rank, settings);
        for (int it = 1; it <= iterations; it++)
        {
            monitor.BeginIteration();
            WeightedAls.Sweep(byUser, confUser, users, items, rank, itemTerms, settings);
            var userTerms = GramianTerms.Compute(users, data.UserCount, rank, settings);
            WeightedAls.Sweep(byItem, confItem, items, users, rank, userTerms, settings);
            itemTerms = GramianTerms.Compute(items, data.ItemCount, rank, settings);
            monitor.EndUpdate();
            double loss = WeightedAls.Objective(byUser, confUser, users, items, rank, itemTerms, settings) / data.Count;
            monitor.Report(it, loss, null, null);
        }
        return (users, items);
    }

    /// <summary>Each item's share of the interactions (rows, duplicates counted), the unknown-user fallback.</summary>
    public static float[] Popularity(InteractionData data)
    {
        var counts = new float[data.ItemCount];
        foreach (var i in data.Items) counts[i]++;
        for (int i = 0; i < counts.Length; i++) counts[i] /= data.Count;
        return counts;
    }
}
