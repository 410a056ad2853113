namespace MLNetRecExtensions.Ranking;

/// <summary>Validation metrics computed from logits during training (the final evaluation uses ML.NET's evaluator).</summary>
internal static class BinaryMetrics
{
    /// <summary>Weighted mean logistic loss in nats, <c>Σ w·ℓ / Σ w</c>; null when the weights sum to 0.</summary>
    public static double? LogLoss(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights)
    {
        double total = 0, weightSum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = logits[i];
            total += weights[i] * (Math.Max(z, 0) - labels[i] * z + Math.Log(1 + Math.Exp(-Math.Abs(z))));
            weightSum += weights[i];
        }
        return weightSum > 0 ? total / weightSum : null;
    }

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (rank-sum formula with mid-ranks); null when one class is absent.
    /// </summary>
    public static double? Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && keys[j + 1] == keys[i]) j++;
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                if (labels[order[k]] > 0.5f) { positiveRankSum += midRank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return null;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
